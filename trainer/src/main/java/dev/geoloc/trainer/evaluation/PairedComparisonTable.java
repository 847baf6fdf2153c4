package dev.geoloc.trainer.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Each model against its backbone's baseline (the CE row) on the same test photos, in Markdown: the
 * differences in accuracy and in mean error (the study's measure between region centers, and from the
 * estimate to the photo), each with its 95 % interval by {@link LocationBootstrap}'s paired bootstrap and
 * whether that interval excludes 0. A difference whose interval holds 0 is one these test locations and seeds
 * cannot tell from none.
 */
public final class PairedComparisonTable {

    /** The study's baseline: plain cross entropy, by its loss label. */
    public static final String BASELINE_LOSS = "CE";
    static final List<ErrorMeasure> MEASURES = List.of(ErrorMeasure.REGION_CENTERS, ErrorMeasure.PHOTO);

    private PairedComparisonTable() {
    }

    /** Against the CE row of each backbone, with the default bootstrap. */
    public static String markdown(List<ResultsRow> rows) {
        return markdown(rows, BASELINE_LOSS, LocationBootstrap.DEFAULT);
    }

    /**
     * A row for every model whose backbone has a row of loss {@code baselineLoss} (the baseline itself left
     * out), then a line saying what the cells are. Models whose runs cannot be paired with the baseline's (2
     * against 3) get a row saying so.
     *
     * @throws IllegalArgumentException when a model and its baseline were evaluated on different images
     */
    public static String markdown(List<ResultsRow> rows, String baselineLoss, LocationBootstrap bootstrap) {
        StringBuilder table = new StringBuilder("| Model | Baseline | Runs | Δ Accuracy (points) | Excludes 0 ");
        MEASURES.forEach(m -> table.append("| Δ Mean Error, ").append(m.label()).append(" (km) | Excludes 0 "));
        table.append("|\n|---|---|---:|---:|:-:|").append("---:|:-:|".repeat(MEASURES.size())).append('\n');
        int compared = 0;
        for (ResultsRow row : rows) {
            Optional<ResultsRow> baseline = baseline(rows, row, baselineLoss);
            if (baseline.isEmpty()) {
                continue;
            }
            compared++;
            table.append(line(row, baseline.get(), bootstrap)).append('\n');
        }
        if (compared == 0) {
            return "No model has a " + baselineLoss + " row of its backbone to be compared with.\n";
        }
        return table.append('\n').append(String.format(Locale.ROOT, "Differences model − baseline (the %s row of "
                + "the same backbone) on the same test photos, runs paired by seed (a one-run model against each "
                + "baseline run); [95 %% interval] by a paired bootstrap (%d resamples) drawing the test locations "
                + "and the seed pairs, the same draws for both. Negative Δ error: nearer the truth than the baseline.",
                baselineLoss, bootstrap.resamples())).append('\n').toString();
    }

    private static Optional<ResultsRow> baseline(List<ResultsRow> rows, ResultsRow row, String baselineLoss) {
        if (row.model().loss().equals(baselineLoss)) {
            return Optional.empty();
        }
        return rows.stream().filter(r -> r.model().loss().equals(baselineLoss)
                && r.model().backbone().equals(row.model().backbone())).findFirst();
    }

    private static String line(ResultsRow row, ResultsRow baseline, LocationBootstrap bootstrap) {
        int runs = row.runs().size();
        int baselineRuns = baseline.runs().size();
        List<String> cells = new ArrayList<>();
        cells.add(ResultsTable.cell(row.model().name()));
        cells.add(ResultsTable.cell(baseline.model().name()));
        if (runs != baselineRuns && runs != 1 && baselineRuns != 1) {
            cells.add("not paired: " + runs + " against " + baselineRuns);
            for (int i = 0; i < 2 * (1 + MEASURES.size()); i++) {
                cells.add("–");
            }
            return "| " + String.join(" | ", cells) + " |";
        }
        cells.add(runs == baselineRuns ? Integer.toString(runs) : runs + " × " + baselineRuns);
        List<ToDoubleFunction<Evaluation>> figures = new ArrayList<>();
        figures.add(e -> 100 * e.accuracy());
        MEASURES.forEach(m -> figures.add(e -> e.distance(m).meanKm()));
        for (BootstrapEstimate difference : bootstrap.pairedDifference(row.runs(), baseline.runs(), figures)) {
            cells.add(difference.format(1, 2));
            cells.add(difference.excludesZero() ? "yes" : "no");
        }
        return "| " + String.join(" | ", cells) + " |";
    }
}
