package dev.geoloc.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.schemas.EvaluationMetrics;

class EvaluationMetricsReaderTest {

    @Test
    void readsTheRecordsFieldsAndKeepsOtherNumbersAsExtra() {
        Map<String, Object> values = TestBundles.metrics(7.25, 0.5);
        values.put("mean_error_true_km", 6.5);
        values.put("note", "text is left out");
        values.put("per_region", Map.of("downtown_la", 0.7));

        EvaluationMetrics metrics = EvaluationMetricsReader.fromMap(values, "test");

        assertThat(metrics.getDataset()).isEqualTo("synthcity-la-2k/test");
        assertThat(metrics.getSamples()).isEqualTo(2000);
        assertThat(metrics.getAccuracy()).isEqualTo(0.5);
        assertThat(metrics.getMeanErrorKm()).isEqualTo(7.25);
        assertThat(metrics.getMedianErrorKm()).isEqualTo(3.625);
        assertThat(metrics.getAccAt1km()).isEqualTo(0.5);
        assertThat(metrics.getAccAt5km()).isEqualTo(0.6);
        assertThat(metrics.getAccAt10km()).isEqualTo(0.7);
        assertThat(metrics.getAccAt25km()).isEqualTo(0.8);
        assertThat(metrics.getExtra()).containsExactly(Map.entry("mean_error_true_km", 6.5));
    }

    @Test
    void readsTheReportThatEvaluateWrites(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.geoloc.regions.RegionCatalog la = dev.geoloc.regions.RegionCatalog.losAngeles();
        dev.geoloc.trainer.evaluation.EvaluationAccumulator scores = new dev.geoloc.trainer.evaluation.EvaluationAccumulator(la);
        // Two photos at their region centers: one right, one taken for its neighbour 3.3 km away.
        scores.add("a", la.indexOf("venice"), la.center(la.indexOf("venice")), la.indexOf("venice"), la.center(la.indexOf("venice")));
        scores.add("b", la.indexOf("venice"), la.center(la.indexOf("venice")), la.indexOf("santa_monica"),
                la.center(la.indexOf("santa_monica")));
        dev.geoloc.trainer.evaluation.EvaluationReport report = new dev.geoloc.trainer.evaluation.EvaluationReport(
                new dev.geoloc.trainer.evaluation.ModelDescription("m", "tiny-cnn", "CE"), "digest", "synth", "test", "grouped (seed 42)",
                java.util.List.of(), scores.result());
        report.writeTo(dir);

        EvaluationMetrics metrics = EvaluationMetricsReader.fromFile(dir.resolve("evaluation.json"));

        double apart = la.distanceKm(la.indexOf("venice"), la.indexOf("santa_monica"));
        assertThat(metrics.getDataset()).isEqualTo("synth/test");
        assertThat(metrics.getSamples()).isEqualTo(2);
        assertThat(metrics.getAccuracy()).isEqualTo(0.5);
        assertThat(metrics.getMeanErrorKm()).isCloseTo(apart / 2, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(metrics.getAccAt1km()).isEqualTo(0.5);
        assertThat(metrics.getAccAt5km()).isEqualTo(1.0);
        assertThat(metrics.getExtra()).containsKeys("photo_mean_error_km", "photo_acc_at_25km");
    }

    @Test
    void namesEveryMissingOrInvalidValue() {
        Map<String, Object> values = TestBundles.metrics(7.25, 0.5);
        values.remove("dataset");
        values.put("samples", 10.5);
        values.put("accuracy", 41.0);
        values.remove("acc_at_25km");
        values.put("mean_error_km", -1);
        values.put("median_error_km", "4 km");

        assertThatThrownBy(() -> EvaluationMetricsReader.fromMap(values, "the bundle's metrics"))
                .isInstanceOf(InvalidPublishInputException.class)
                .hasMessageStartingWith("the bundle's metrics cannot be published: ")
                .hasMessageContaining("dataset must name the evaluation set")
                .hasMessageContaining("samples must be a whole number")
                .hasMessageContaining("accuracy must be a fraction from 0 to 1")
                .hasMessageContaining("acc_at_25km must be a fraction from 0 to 1")
                .hasMessageContaining("mean_error_km must be a distance in km")
                .hasMessageContaining("median_error_km must be a distance in km")
                .message().doesNotContain("acc_at_1km");
    }

    @Test
    void readsAJsonFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("eval.json"), """
                {"dataset": "streetview-la/test", "samples": 600, "accuracy": 0.31, "mean_error_km": 9.5,
                 "median_error_km": 5.0, "acc_at_1km": 0.31, "acc_at_5km": 0.5, "acc_at_10km": 0.66,
                 "acc_at_25km": 0.97, "top5_accuracy": 0.72}
                """);

        EvaluationMetrics metrics = EvaluationMetricsReader.fromFile(file);

        assertThat(metrics.getDataset()).isEqualTo("streetview-la/test");
        assertThat(metrics.getSamples()).isEqualTo(600);
        assertThat(metrics.getExtra()).containsExactly(Map.entry("top5_accuracy", 0.72));
    }

    @Test
    void aFileThatIsNotAJsonObjectIsInvalidInput(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("eval.json"), "[1, 2]");

        assertThatThrownBy(() -> EvaluationMetricsReader.fromFile(file))
                .isInstanceOf(InvalidPublishInputException.class)
                .hasMessageContaining("is not a JSON object");
    }
}
