package dev.geoloc.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class EvaluationReportTest {

    private static final EvaluationReport REPORT = new EvaluationReport(
            new ModelDescription("FT tiny (CE)", "tiny-cnn", "CE"), "abc123", "data/synth", "test",
            "blocked (0.4 km blocks, 0.1 km buffer, seed 42): 9 train, 1 validation, 4 test images",
            List.of(new SkippedImage("a/broken.jpg", "the JPEG ends before its image data")),
            EvaluationAccumulatorTest.fourImages(), Optional.empty());

    @TempDir
    Path dir;

    @Test
    void jsonHoldsEveryFigure() throws IOException {
        JsonNode json = new ObjectMapper().readTree(REPORT.toJson());

        assertThat(json.at("/model/loss").asText()).isEqualTo("CE");
        assertThat(json.at("/bundle_digest").asText()).isEqualTo("abc123");
        assertThat(json.at("/split_method").asText()).startsWith("blocked (0.4 km blocks");
        assertThat(json.at("/samples").asInt()).isEqualTo(4);
        assertThat(json.at("/accuracy").asDouble()).isEqualTo(0.5);
        assertThat(json.at("/errors_km/region_centers/mean").asDouble()).isCloseTo(11.1195, within(1e-4));
        assertThat(json.at("/errors_km/region_centers/within_km/25").asDouble()).isEqualTo(0.75);
        assertThat(json.at("/errors_km/photo/median").asDouble()).isCloseTo(5.8377, within(1e-4));
        assertThat(json.at("/errors_km/center_to_photo/within_km/10").asDouble()).isEqualTo(0.5);
        assertThat(json.at("/regions/2/id").asText()).isEqualTo("gamma");
        assertThat(json.at("/regions/2/accuracy").asDouble()).isZero();
        assertThat(json.at("/confusion/labels").toString()).isEqualTo("[\"alpha\",\"beta\",\"gamma\"]");
        assertThat(json.at("/confusion/counts").toString()).isEqualTo("[[1,1,0],[0,1,0],[1,0,0]]");
        assertThat(json.at("/skipped/0/reason").asText()).contains("JPEG ends");
    }

    @Test
    void theFinerRadiiHaveKeysOfTheirOwnBesideTheWholeKilometres() throws IOException {
        Evaluation evaluation = EvaluationAccumulatorTest.subKilometre();
        EvaluationReport report = new EvaluationReport(REPORT.model(), null, "d", "test", "grouped (seed 1)", List.of(),
                evaluation, Optional.of(EvaluationIntervals.of(evaluation, new LocationBootstrap(200, 1))));

        JsonNode json = new ObjectMapper().readTree(report.toJson());

        JsonNode fractions = json.at("/errors_km/photo/within_km");
        assertThat(fractions.fieldNames()).toIterable().containsExactly("0.25", "0.5", "1", "5", "10", "25");
        assertThat(fractions.get("0.25").asDouble()).isEqualTo(0.25);
        assertThat(fractions.get("0.5").asDouble()).isEqualTo(0.5);
        assertThat(fractions.get("1").asDouble()).isEqualTo(0.75);
        assertThat(json.at("/errors_km/photo/median").asDouble()).isCloseTo(0.65, within(1e-9));
        JsonNode intervals = json.at("/bootstrap/errors_km/photo/within_km");
        assertThat(intervals.fieldNames()).toIterable().containsExactly("0.25", "0.5", "1", "5", "10", "25");
        assertThat(intervals.get("0.25").get(0).asDouble()).isLessThanOrEqualTo(0.25);
        assertThat(intervals.get("0.25").get(1).asDouble()).isGreaterThanOrEqualTo(0.25);
        assertThat(json.at("/bootstrap/errors_km/photo/median").size()).isEqualTo(2);
        assertThat(report.toMarkdown()).containsPattern("\\| estimate to photo \\| 1\\.15 \\[[0-9.]+, [0-9.]+\\] \\| 0\\.65 "
                + "\\[[0-9.]+, [0-9.]+\\] \\| 25\\.00 \\[[0-9.]+, [0-9.]+\\] \\| 50\\.00 \\[[0-9.]+, [0-9.]+\\] \\| 75\\.00 \\[")
                .doesNotContain("@0km");
    }

    @Test
    void aRegionWithoutImagesHasANullAccuracy() throws IOException {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        accumulator.add("l", LineCatalog.A, LineCatalog.at(0), LineCatalog.A, LineCatalog.at(0));
        EvaluationReport report = new EvaluationReport(REPORT.model(), null, "d", "test", "grouped (seed 1)", List.of(), accumulator.result(),
                Optional.empty());

        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.at("/regions/1/accuracy").isNull()).isTrue();
        assertThat(json.has("bundle_digest")).isFalse();
        assertThat(report.toMarkdown()).contains("| Beta | 0 | 0 | – | – |").doesNotContain("Skipped");
    }

    @Test
    void markdownHasTheStudysTableEveryMeasureAndEachRegion() {
        String md = REPORT.toMarkdown();

        assertThat(md).contains("4 images of the test split of `data/synth` (split: blocked (0.4 km blocks")
                .contains(ResultsTable.HEADER + "\n")
                .contains("| FT tiny (CE) | tiny-cnn | CE | 50.00 | 11.12 | 5.56 | 50.00 | 50.00 | 50.00 | 50.00 | 50.00 | 75.00 |")
                .contains("| Error measured | Mean (km) | Median (km) | Acc@0.25km | Acc@0.5km | Acc@1km | Acc@5km | "
                        + "Acc@10km | Acc@25km |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
                .contains("| region centers (study) | 11.12 | 5.56 | 50.00 | 50.00 | 50.00 | 50.00 | 50.00 | 75.00 |")
                .contains("| estimate to photo | 7.09 | 5.84 | 25.00 | 25.00 | 50.00 | 50.00 | 50.00 | 100.00 |")
                .contains("| predicted center to photo | 11.26 | 5.84 | 25.00 | 25.00 | 50.00 | 50.00 | 50.00 | 75.00 |")
                .contains("| Alpha | 2 | 1 | 50.00 | Beta (1) |")
                .contains("| Beta | 1 | 1 | 100.00 | – |")
                .contains("| Gamma | 1 | 0 | 0.00 | Alpha (1) |")
                .contains("![Confusion matrix](confusion.png)")
                .contains("- `a/broken.jpg`: the JPEG ends before its image data")
                .contains("No intervals: the bootstrap was turned off.")
                .contains("## Calibration\n\nNot available: the images were scored without the model's probabilities.");
    }

    @Test
    void intervalsAndCalibrationGoIntoJsonAndMarkdown() throws IOException {
        Evaluation evaluation = calibrated();
        EvaluationReport report = new EvaluationReport(REPORT.model(), null, "d", "test", "grouped (seed 1)", List.of(), evaluation,
                Optional.of(EvaluationIntervals.of(evaluation, new LocationBootstrap(300, 2))));

        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.at("/bootstrap/resamples").asInt()).isEqualTo(300);
        assertThat(json.at("/bootstrap/seed").asLong()).isEqualTo(2);
        assertThat(json.at("/bootstrap/locations").asInt()).isEqualTo(3);
        double low = json.at("/bootstrap/accuracy/0").asDouble();
        double high = json.at("/bootstrap/accuracy/1").asDouble();
        assertThat(low).isLessThanOrEqualTo(json.at("/accuracy").asDouble());
        assertThat(high).isGreaterThanOrEqualTo(json.at("/accuracy").asDouble());
        assertThat(json.at("/bootstrap/errors_km/photo/within_km/25").size()).isEqualTo(2);
        assertThat(json.at("/bootstrap/ece").size()).isEqualTo(2);
        assertThat(json.at("/bootstrap/coverage/true_center").size()).isEqualTo(2);
        Calibration calibration = evaluation.calibration().orElseThrow();
        assertThat(json.at("/calibration/available").asBoolean()).isTrue();
        assertThat(json.at("/calibration/ece").asDouble()).isEqualTo(calibration.ece());
        assertThat(json.at("/calibration/nll").asDouble()).isEqualTo(calibration.nll());
        assertThat(json.at("/calibration/brier").asDouble()).isEqualTo(calibration.brier());
        assertThat(json.at("/calibration/bins").size()).isEqualTo(15);
        assertThat(json.at("/calibration/bins/0/accuracy").isNull()).isTrue();
        assertThat(json.at("/calibration/error_estimate/true_center/coverage").asDouble())
                .isEqualTo(calibration.errorEstimate(EstimateMeasure.TRUE_CENTER).coverage());
        assertThat(json.at("/calibration/error_estimate/photo/confidence_level").asDouble()).isEqualTo(0.9);
        assertThat(report.toMarkdown()).contains("Intervals: 95 %, by a bootstrap of the 3 test locations (300 resamples, seed 2)")
                .containsPattern("\\| region centers \\(study\\) \\| [0-9.]+ \\[[0-9.]+, [0-9.]+\\] \\|")
                .contains("- ECE (15 equal-width bins of top-1 confidence): ")
                .contains("| estimate to true center | ", "| estimate to photo | ")
                .contains("![Reliability diagram](reliability.png)");
        assertThat(report.files()).contains(EvaluationReport.RELIABILITY_PNG);
        assertThat(report.resultsTable()).startsWith(ResultsTable.HEADER)
                .contains(ResultsTable.row(ResultsRow.of(REPORT.model(), evaluation), ErrorMeasure.REGION_CENTERS,
                        new LocationBootstrap(300, 2)));
        report.writeTo(dir);
        assertThat(ImageIO.read(dir.resolve(EvaluationReport.RELIABILITY_PNG).toFile())).isNotNull();
    }

    @Test
    void theDefaultReportHasIntervalsAndTheyReadBackForPublishing() throws IOException {
        EvaluationReport report = new EvaluationReport(REPORT.model(), null, "d", "test", "grouped (seed 1)", List.of(),
                EvaluationAccumulatorTest.fourImages());

        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.at("/bootstrap/resamples").asInt()).isEqualTo(LocationBootstrap.DEFAULT_RESAMPLES);
        assertThat(json.at("/calibration/available").asBoolean()).isFalse();
        assertThat(json.at("/errors_km/region_centers/within_km/25").asDouble()).isEqualTo(0.75);
    }

    /** Three locations scored from probabilities, so with a calibration. */
    private static Evaluation calibrated() {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        accumulator.add("x", LineCatalog.A, LineCatalog.at(0.002), new float[] {0.8f, 0.15f, 0.05f});
        accumulator.add("x", LineCatalog.A, LineCatalog.at(0.002), new float[] {0.4f, 0.55f, 0.05f});
        accumulator.add("y", LineCatalog.B, LineCatalog.at(0.1), new float[] {0.1f, 0.7f, 0.2f});
        accumulator.add("z", LineCatalog.C, LineCatalog.at(0.29), new float[] {0.05f, 0.25f, 0.7f});
        return accumulator.result();
    }

    @Test
    void writesTheFourFiles() throws IOException {
        REPORT.writeTo(dir.resolve("out"));

        Path out = dir.resolve("out");
        assertThat(Files.readString(out.resolve(EvaluationReport.JSON))).isEqualTo(REPORT.toJson());
        assertThat(Files.readString(out.resolve(EvaluationReport.MARKDOWN))).isEqualTo(REPORT.toMarkdown());
        assertThat(ImageIO.read(out.resolve(EvaluationReport.CONFUSION_PNG).toFile())).isNotNull();
        assertThat(ImageIO.read(out.resolve(EvaluationReport.CDF_PNG).toFile())).isNotNull();
    }
}
