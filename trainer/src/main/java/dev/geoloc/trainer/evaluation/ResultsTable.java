package dev.geoloc.trainer.evaluation;

import java.util.List;

/**
 * The study's results table in Markdown, with the Acc@10km column the issue adds:
 * <pre>| Model | Backbone | Loss | Accuracy (%) | Mean Error (km) | Acc@1km | Acc@5km | Acc@10km | Acc@25km |</pre>
 * Accuracies are percentages and errors kilometres, at two decimals as in the study; a row over several
 * seeds shows {@code mean ± std}.
 */
public final class ResultsTable {

    public static final String HEADER =
            "| Model | Backbone | Loss | Accuracy (%) | Mean Error (km) | Acc@1km | Acc@5km | Acc@10km | Acc@25km |";
    static final String ALIGNMENT = "|---|---|---|---:|---:|---:|---:|---:|---:|";

    private ResultsTable() {
    }

    /** The table with errors measured the study's way, between region centers. */
    public static String markdown(List<ResultsRow> rows) {
        return markdown(rows, ErrorMeasure.REGION_CENTERS);
    }

    /** The table with the mean error and the Acc@k columns measured by {@code measure}. */
    public static String markdown(List<ResultsRow> rows, ErrorMeasure measure) {
        StringBuilder table = new StringBuilder(HEADER).append('\n').append(ALIGNMENT).append('\n');
        for (ResultsRow row : rows) {
            table.append(row(row, measure)).append('\n');
        }
        return table.toString();
    }

    /** One row, without the header: what the evaluate command prints for pasting into a table. */
    public static String row(ResultsRow row, ErrorMeasure measure) {
        StringBuilder line = new StringBuilder("| ").append(cell(row.model().name()))
                .append(" | ").append(cell(row.model().backbone()))
                .append(" | ").append(cell(row.model().loss()))
                .append(" | ").append(row.spread(e -> 100 * e.accuracy()).format())
                .append(" | ").append(row.spread(e -> e.distance(measure).meanKm()).format());
        for (double radius : Evaluation.RADII_KM) {
            line.append(" | ").append(row.spread(e -> 100 * e.distance(measure).accuracyWithinKm(radius)).format());
        }
        return line.append(" |").toString();
    }

    /** Text for a Markdown cell: a pipe would end the cell and a line break the row. */
    static String cell(String text) {
        return text.replace("|", "\\|").replaceAll("\\s+", " ").strip();
    }
}
