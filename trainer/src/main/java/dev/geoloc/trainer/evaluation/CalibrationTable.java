package dev.geoloc.trainer.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The models' calibration in Markdown, one row per model: ECE, NLL and Brier score of the probabilities, and
 * for the distance-error estimate, in each {@link EstimateMeasure}, Spearman's correlation of expected and
 * actual error, the ratio mean(actual) / mean(expected) and how often the confidence radius holds the truth.
 * Each figure is the mean over the model's runs (seeds) of each run's own figure; ECE and coverage carry 95 %
 * intervals by {@link LocationBootstrap}'s two-level bootstrap.
 */
public final class CalibrationTable {

    private CalibrationTable() {
    }

    /** With the default bootstrap. */
    public static String markdown(List<ResultsRow> rows) {
        return markdown(rows, LocationBootstrap.DEFAULT);
    }

    /**
     * The table, then a line saying what its columns are.
     *
     * @param bootstrap for the ECE's and the coverages' intervals, or null for none
     */
    public static String markdown(List<ResultsRow> rows, LocationBootstrap bootstrap) {
        double level = rows.stream().flatMap(r -> r.runs().stream()).map(Evaluation::calibration).flatMap(Optional::stream)
                .findFirst().map(c -> c.errorEstimate(EstimateMeasure.TRUE_CENTER).confidenceLevel()).orElse(0.9);
        String coverage = String.format(Locale.ROOT, "Coverage %.0f %%", 100 * level);
        StringBuilder table = new StringBuilder("| Model | Runs | ECE (%) | NLL | Brier ");
        for (EstimateMeasure measure : EstimateMeasure.values()) {
            table.append("| Spearman, ").append(measure.label()).append(" | Ratio, ").append(measure.label())
                    .append(" | ").append(coverage).append(", ").append(measure.label()).append(" ");
        }
        table.append("|\n|---|---:|---:|---:|---:|").append("---:|---:|---:|".repeat(EstimateMeasure.values().length))
                .append('\n');
        boolean unavailable = false;
        for (ResultsRow row : rows) {
            boolean calibrated = row.runs().stream().allMatch(run -> run.calibration().isPresent());
            unavailable |= !calibrated;
            table.append(calibrated ? line(row, bootstrap) : "| " + ResultsTable.cell(row.model().name()) + " | "
                    + row.runs().size() + " | n/a".repeat(3 + 3 * EstimateMeasure.values().length) + " |").append('\n');
        }
        table.append('\n').append(caption(bootstrap, level));
        if (unavailable) {
            table.append(" n/a: the model's probabilities were not kept, so its calibration is unknown.");
        }
        return table.append('\n').toString();
    }

    private static String line(ResultsRow row, LocationBootstrap bootstrap) {
        List<String> cells = new ArrayList<>();
        cells.add(ResultsTable.cell(row.model().name()));
        cells.add(Integer.toString(row.runs().size()));
        cells.add(withInterval(row, e -> 100 * Calibration.expectedCalibrationError(e.outcomes()), bootstrap));
        cells.add(number(mean(row, e -> calibration(e).nll())));
        cells.add(number(mean(row, e -> calibration(e).brier())));
        for (EstimateMeasure measure : EstimateMeasure.values()) {
            cells.add(number(mean(row, e -> calibration(e).errorEstimate(measure).spearman())));
            cells.add(number(mean(row, e -> calibration(e).errorEstimate(measure).ratio())));
            cells.add(withInterval(row, e -> 100 * ErrorEstimateCalibration.coverage(e.outcomes(), measure), bootstrap));
        }
        return "| " + String.join(" | ", cells) + " |";
    }

    private static String caption(LocationBootstrap bootstrap, double level) {
        return String.format(Locale.ROOT, "Mean over each model's runs (seeds) of each run's figure%s. ECE: %d "
                        + "equal-width bins of top-1 confidence. NLL: nats, probabilities clamped at %.0e. Brier: "
                        + "squared differences summed over the regions, mean over images (0 to 2). Spearman: rank "
                        + "correlation of expected and actual error (– when either is constant). Ratio: mean actual / "
                        + "mean expected error. Coverage: images whose truth lies within the %.0f %% confidence radius. "
                        + "*%s*: from the location estimate to the true region's center, what the expected error "
                        + "estimates; *%s*: to the photo's coordinates.",
                bootstrap == null ? "" : String.format(Locale.ROOT, "; ECE and coverage [95 %% interval] by a bootstrap "
                        + "(%d resamples) of the test locations and the runs", bootstrap.resamples()),
                Calibration.BINS, Calibration.PROBABILITY_FLOOR, 100 * level, EstimateMeasure.TRUE_CENTER.label(),
                EstimateMeasure.PHOTO.label());
    }

    private static String withInterval(ResultsRow row, ToDoubleFunction<Evaluation> figure, LocationBootstrap bootstrap) {
        return bootstrap == null ? number(mean(row, figure)) : bootstrap.seedMean(row.runs(), figure).format(1, 2);
    }

    private static Calibration calibration(Evaluation evaluation) {
        return evaluation.calibration().orElseThrow();
    }

    private static double mean(ResultsRow row, ToDoubleFunction<Evaluation> figure) {
        return row.spread(figure).mean();
    }

    /** Two decimals, or – for a figure that is undefined (NaN). */
    static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.2f", value) : "–";
    }
}
