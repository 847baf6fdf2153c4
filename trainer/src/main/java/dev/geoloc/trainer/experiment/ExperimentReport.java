package dev.geoloc.trainer.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.dataset.Split;
import dev.geoloc.trainer.evaluation.Calibration;
import dev.geoloc.trainer.evaluation.CalibrationTable;
import dev.geoloc.trainer.evaluation.ConfusionPlot;
import dev.geoloc.trainer.evaluation.ErrorCdfPlot;
import dev.geoloc.trainer.evaluation.ErrorMeasure;
import dev.geoloc.trainer.evaluation.Evaluation;
import dev.geoloc.trainer.evaluation.ModelDescription;
import dev.geoloc.trainer.evaluation.PairedComparisonTable;
import dev.geoloc.trainer.evaluation.ReliabilityDiagram;
import dev.geoloc.trainer.evaluation.ResultsRow;
import dev.geoloc.trainer.evaluation.ResultsTable;

/**
 * What an experiment writes: the results table with intervals in Markdown and JSON with the command that made it,
 * each loss against CE by a paired bootstrap, the calibration table, error CDFs, and the best model's confusion
 * matrix and reliability diagram; for a sweep, the validation table.
 *
 * @param split how the dataset was split, as {@code SplitRecord.describe} says it
 * @param seeds            the seeds of the trained rows, in the order of their runs
 * @param trainingMinutes  the runs' epochs, summed over every invocation that trained them
 * @param minutes          this invocation, which may only have evaluated runs trained before
 */
record ExperimentReport(Path out, String command, Path dataset, String split, Split evaluated, List<Long> seeds,
                        double trainingMinutes, double minutes) {

    static final String RESULTS = "results.md";
    static final String SWEEP = "sweep.md";

    Path writeResults(List<ResultsRow> rows) throws IOException {
        Files.createDirectories(out);
        String markdown = "# Experiment results\n\n" + header(rows)
                + "## Errors between region centers (the study's measure)\n\n" + ResultsTable.markdown(rows)
                + "\n## Errors from the estimated location to the photo's true coordinates\n\n"
                + ResultsTable.markdown(rows, ErrorMeasure.PHOTO)
                + "\n## Each loss against CE on the same test photos\n\n" + PairedComparisonTable.markdown(rows)
                + "\n## Calibration of the probabilities and of the distance-error estimate\n\n"
                + CalibrationTable.markdown(rows);
        Files.writeString(out.resolve(RESULTS), markdown);
        Files.writeString(out.resolve("results.json"), new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(document(rows)));
        Map<String, Evaluation> firstSeed = new LinkedHashMap<>();
        rows.forEach(row -> firstSeed.put(row.model().name(), row.runs().get(0)));
        ErrorCdfPlot.write(firstSeed, List.of(ErrorMeasure.REGION_CENTERS), "Error CDF, " + evaluated.label()
                + " split (seed " + seeds.get(0) + ")", out.resolve("error-cdf.png"));
        ResultsRow best = rows.stream().min(Comparator.comparingDouble(
                r -> r.spread(e -> e.distance(ErrorMeasure.REGION_CENTERS).meanKm()).mean())).orElseThrow();
        ConfusionPlot.write(best.runs().get(0).confusion(), "Confusion matrix: " + best.model().name() + ", "
                + evaluated.label() + " split", out.resolve("confusion.png"));
        Optional<Calibration> calibration = best.runs().get(0).calibration();
        if (calibration.isPresent()) {
            ReliabilityDiagram.write(calibration.get(), "Reliability: " + best.model().name() + ", "
                    + evaluated.label() + " split", out.resolve("reliability.png"));
        }
        return out.resolve(RESULTS);
    }

    /**
     * The sweep's table. Its values are chosen on the validation split, so the test split stays unseen until the
     * chosen values are run by {@code experiment} itself.
     */
    Path writeSweep(List<ResultsRow> rows) throws IOException {
        Files.createDirectories(out);
        String markdown = "# Hyperparameter sweep\n\n" + header(rows)
                + "Each loss at several values of the hyperparameter the study does not give, evaluated on the "
                + "validation split: choose here, then report on the test split with `experiment`.\n\n"
                + ResultsTable.markdown(rows) + "\n### Errors to the photo's coordinates\n\n"
                + ResultsTable.markdown(rows, ErrorMeasure.PHOTO);
        Files.writeString(out.resolve(SWEEP), markdown);
        return out.resolve(SWEEP);
    }

    private String header(List<ResultsRow> rows) {
        return "Dataset `" + dataset + "`, " + evaluated.label() + " split (" + rows.get(0).runs().get(0).samples()
                + " images); seeds " + seeds + "; " + String.format(Locale.ROOT, "training %.1f min summed over the "
                + "runs' epochs, this invocation %.1f min", trainingMinutes, minutes) + "; " + Instant.now()
                + ".\n\nSplit: " + split + ".\n\nCommand: `" + command + "`\n\n";
    }

    /** results.json's document: the command, the split evaluated, and each row's figures run by run. */
    Map<String, Object> document(List<ResultsRow> rows) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("command", command);
        document.put("split", evaluated.label());
        document.put("runs", perRun(rows));
        return document;
    }

    private Map<String, List<Map<String, Object>>> perRun(List<ResultsRow> rows) {
        Map<String, List<Map<String, Object>>> perRun = new LinkedHashMap<>();
        for (ResultsRow row : rows) {
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int i = 0; i < row.runs().size(); i++) {
                Evaluation evaluation = row.runs().get(i);
                Map<String, Object> run = new LinkedHashMap<>();
                if (!row.model().loss().equals(ModelDescription.NO_LOSS)) {
                    run.put("seed", seeds.get(i));
                }
                run.put("accuracy", evaluation.accuracy());
                run.put("mean_error_km", evaluation.distance(ErrorMeasure.REGION_CENTERS).meanKm());
                run.put("photo_mean_error_km", evaluation.distance(ErrorMeasure.PHOTO).meanKm());
                run.put("photo_median_error_km", evaluation.distance(ErrorMeasure.PHOTO).medianKm());
                runs.add(run);
            }
            perRun.put(row.model().name(), runs);
        }
        return perRun;
    }
}
