package dev.geoloc.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.ModelVersion;

class QualityGateTest {

    private static final String CATALOG = "c".repeat(64);

    private final ModelVersion published = published(metrics(TestBundles.DATASET, 2000, 8.0, 0.40));

    @Test
    void theFirstVersionPasses() {
        GateVerdict verdict = QualityGate.judge(metrics(TestBundles.DATASET, 2000, 99.0, 0.0), CATALOG, Optional.empty());

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.reason()).contains("nothing to compare with");
    }

    @Test
    void aLowerMeanErrorPasses() {
        GateVerdict verdict = judge(metrics(TestBundles.DATASET, 2000, 7.5, 0.42));

        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.reason()).contains("mean error 7.500 km", "version 3's 8.000 km", "synthcity-la-2k/test");
    }

    @Test
    void aHigherMeanErrorIsRefusedWhateverTheAccuracy() {
        GateVerdict verdict = judge(metrics(TestBundles.DATASET, 2000, 8.1, 0.60));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason()).contains("worse than the stable version", "mean error 8.100 km", "8.000 km");
    }

    @Test
    void theMeanErrorDecidesBeforeAccuracy() {
        assertThat(judge(metrics(TestBundles.DATASET, 2000, 7.9, 0.30)).passed()).isTrue();
    }

    @Test
    void onAnEqualMeanErrorAccuracyBreaksTheTie() {
        assertThat(judge(metrics(TestBundles.DATASET, 2000, 8.0, 0.39)).passed()).isFalse();
        assertThat(judge(metrics(TestBundles.DATASET, 2000, 8.0, 0.40)).passed()).as("the same model again").isTrue();
        assertThat(judge(metrics(TestBundles.DATASET, 2000, 8.0, 0.41)).passed()).isTrue();
    }

    @Test
    void anotherTestSetCannotBeCompared() {
        GateVerdict otherDataset = judge(metrics("synthcity-la-2k/validation", 2000, 1.0, 0.90));
        GateVerdict grownDataset = judge(metrics(TestBundles.DATASET, 2400, 1.0, 0.90));

        assertThat(otherDataset.passed()).isFalse();
        assertThat(otherDataset.reason()).contains("not the same test set",
                "synthcity-la-2k/validation (2000 images)", "evaluate on synthcity-la-2k/test (2000 images)");
        assertThat(grownDataset.passed()).isFalse();
        assertThat(grownDataset.reason()).contains("not the same test set", "(2400 images)");
    }

    @Test
    void anotherRegionCatalogCannotBeCompared() {
        GateVerdict verdict = QualityGate.judge(metrics(TestBundles.DATASET, 2000, 1.0, 0.90), "d".repeat(64),
                Optional.of(published));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.reason()).contains("region catalog", "cannot be compared");
    }

    private GateVerdict judge(EvaluationMetrics candidate) {
        return QualityGate.judge(candidate, CATALOG, Optional.of(published));
    }

    private static EvaluationMetrics metrics(String dataset, int samples, double meanErrorKm, double accuracy) {
        return EvaluationMetricsReader.fromMap(TestBundles.metrics(dataset, samples, meanErrorKm, accuracy), "test");
    }

    private static ModelVersion published(EvaluationMetrics metrics) {
        return ModelVersion.newBuilder()
                .setModelName("la-street").setVersion(3)
                .setArtifactUri("file:///models/la-street/3/la-street-3.zip").setSha256("a".repeat(64))
                .setBackbone("tiny-cnn").setHead("classifier").setLoss("ranking")
                .setRegionCatalogHash(CATALOG).setMetrics(metrics)
                .setCreatedTime(Instant.parse("2026-11-25T00:00:00Z"))
                .build();
    }
}
