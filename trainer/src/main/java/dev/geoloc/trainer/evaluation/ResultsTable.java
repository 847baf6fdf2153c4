package dev.geoloc.trainer.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The study's results table in Markdown, with the median error and every radius of {@link Evaluation#RADII_KM}:
 * <pre>| Model | Backbone | Loss | Accuracy (%) | Mean Error (km) | Median Error (km) | Acc@0.25km | Acc@0.5km | Acc@1km | Acc@5km | Acc@10km | Acc@25km |</pre>
 * The study's columns keep their order. The median follows the mean, since a few far misses move the mean and
 * not it; the Acc@k columns run from the finest radius, so the 0.25 and 0.5 km ones come before the study's 1 km
 * (and the 10 km an issue added sits between its 5 and 25). No table here has to mirror the study's columns
 * exactly, so this one keeps all of them and adds to them.
 * Accuracies are percentages and errors kilometres, at two decimals as in the study. Each cell is the mean over
 * the model's runs (seeds) and its 95 % interval, {@code 79.78 [77.10, 82.30]}, by {@link LocationBootstrap}'s
 * two-level bootstrap over the test locations and the seeds: the seeds' standard deviation alone, which the
 * study printed, leaves out which locations happened to be tested. That standard deviation still says how much
 * a seed matters and follows the table. Without a bootstrap, cells are {@code mean ± std} as in the study.
 */
public final class ResultsTable {

    public static final String HEADER = "| Model | Backbone | Loss | Accuracy (%) | Mean Error (km) | Median Error (km) |"
            + Evaluation.RADII_KM.stream().map(r -> " Acc@" + Evaluation.radiusLabel(r) + "km |")
                    .collect(Collectors.joining());
    /** The model's three text columns, then a right-aligned one for each of {@link #figures}. */
    static final String ALIGNMENT = "|---|---|---|" + "---:|".repeat(3 + Evaluation.RADII_KM.size());

    private ResultsTable() {
    }

    /** The table with errors measured the study's way, between region centers, and the default bootstrap. */
    public static String markdown(List<ResultsRow> rows) {
        return markdown(rows, ErrorMeasure.REGION_CENTERS);
    }

    /** The table with the mean error and the Acc@k columns measured by {@code measure}, and the default bootstrap. */
    public static String markdown(List<ResultsRow> rows, ErrorMeasure measure) {
        return markdown(rows, measure, LocationBootstrap.DEFAULT);
    }

    /**
     * The table, then a line saying what its cells are ({@link #caption}) and, for models of several runs, a
     * line of their seeds' standard deviations.
     *
     * @param bootstrap how to compute the intervals, or null for none: cells are then {@code mean ± std} over
     *                  seeds, the study's format
     */
    public static String markdown(List<ResultsRow> rows, ErrorMeasure measure, LocationBootstrap bootstrap) {
        StringBuilder table = new StringBuilder(HEADER).append('\n').append(ALIGNMENT).append('\n');
        for (ResultsRow row : rows) {
            table.append(row(row, measure, bootstrap)).append('\n');
        }
        if (bootstrap != null) {
            table.append('\n').append(caption(bootstrap)).append('\n');
            seedSpread(rows, measure).ifPresent(line -> table.append('\n').append(line).append('\n'));
        }
        return table.toString();
    }

    /** What the cells of a table with intervals are, in one line. */
    public static String caption(LocationBootstrap bootstrap) {
        return String.format(Locale.ROOT, "Cells: mean over a model's runs (seeds) [95 %% interval], by a bootstrap "
                + "(%d resamples) that draws the test locations and, for several runs, the runs too.", bootstrap.resamples());
    }

    /** One row, without the header; with a null bootstrap, {@code mean ± std} cells. */
    public static String row(ResultsRow row, ErrorMeasure measure, LocationBootstrap bootstrap) {
        List<ToDoubleFunction<Evaluation>> figures = figures(measure);
        List<String> cells = new ArrayList<>();
        if (bootstrap == null) {
            figures.forEach(figure -> cells.add(row.spread(figure).format()));
        } else {
            bootstrap.seedMean(row.runs(), figures).forEach(estimate -> cells.add(estimate.format(1, 2)));
        }
        return row(row.model(), cells);
    }

    /**
     * The figures in the table's column order, accuracies in percent: accuracy, mean and median error, then Acc@k
     * for each of {@link Evaluation#RADII_KM}.
     */
    static List<ToDoubleFunction<Evaluation>> figures(ErrorMeasure measure) {
        List<ToDoubleFunction<Evaluation>> figures = new ArrayList<>();
        figures.add(e -> 100 * e.accuracy());
        figures.add(e -> e.distance(measure).meanKm());
        figures.add(e -> e.distance(measure).medianKm());
        for (double radius : Evaluation.RADII_KM) {
            figures.add(e -> 100 * e.distance(measure).accuracyWithinKm(radius));
        }
        return figures;
    }

    /** The cells of one evaluation from its intervals, in the order of {@link #figures}. */
    static List<String> cells(EvaluationIntervals intervals, ErrorMeasure measure) {
        EvaluationIntervals.Errors errors = intervals.errors(measure);
        List<String> cells = new ArrayList<>();
        cells.add(intervals.accuracy().format(100, 2));
        cells.add(errors.meanKm().format(1, 2));
        cells.add(errors.medianKm().format(1, 2));
        errors.withinKm().forEach(within -> cells.add(within.format(100, 2)));
        return cells;
    }

    /** A row of the model's columns followed by these cells. */
    static String row(ModelDescription model, List<String> cells) {
        StringBuilder line = new StringBuilder("| ").append(cell(model.name()))
                .append(" | ").append(cell(model.backbone()))
                .append(" | ").append(cell(model.loss()));
        cells.forEach(c -> line.append(" | ").append(c));
        return line.append(" |").toString();
    }

    private static Optional<String> seedSpread(List<ResultsRow> rows, ErrorMeasure measure) {
        List<String> models = new ArrayList<>();
        for (ResultsRow row : rows) {
            if (row.runs().size() > 1) {
                models.add(String.format(Locale.ROOT, "%s %.2f / %.2f (%d runs)", cell(row.model().name()),
                        row.spread(e -> 100 * e.accuracy()).std(), row.spread(e -> e.distance(measure).meanKm()).std(),
                        row.runs().size()));
            }
        }
        return models.isEmpty() ? Optional.empty() : Optional.of(
                "Standard deviation over seeds, accuracy (points) / mean error (km): " + String.join("; ", models) + ".");
    }

    /** Text for a Markdown cell: a pipe would end the cell and a line break the row. */
    static String cell(String text) {
        return text.replace("|", "\\|").replaceAll("\\s+", " ").strip();
    }
}
