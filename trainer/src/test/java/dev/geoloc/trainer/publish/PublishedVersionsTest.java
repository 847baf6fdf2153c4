package dev.geoloc.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.geoloc.model.ModelVersionKey;
import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.ModelVersion;

/** How the records of the topic, read in order, make one model's history. */
class PublishedVersionsTest {

    private static ModelVersion version(String model, int version) {
        return ModelVersion.newBuilder().setModelName(model).setVersion(version)
                .setArtifactUri("file:///store/" + model + "/" + version + ".zip").setSha256("ab".repeat(32))
                .setBackbone("tiny-cnn").setHead("classifier").setLoss("ranking").setRegionCatalogHash("c")
                .setMetrics(EvaluationMetrics.newBuilder().setDataset("d").setSamples(1).setAccuracy(0)
                        .setMeanErrorKm(0).setMedianErrorKm(0).setAccAt1km(0).setAccAt5km(0).setAccAt10km(0)
                        .setAccAt25km(0).build())
                .setCreatedTime(Instant.EPOCH).build();
    }

    private static PublishedVersions read(PublishedVersions history, int version) {
        return history.with(new ModelVersionKey("la", version), version("la", version));
    }

    @Test
    void theLatestIsThePublishedLastNotTheHighest() {
        PublishedVersions history = read(read(read(PublishedVersions.none(), 1), 2), 1);

        assertThat(history.history()).extracting(ModelVersion::getVersion).containsExactly(2, 1);
        assertThat(history.current()).map(ModelVersion::getVersion).contains(1);
        assertThat(history.highestVersion()).isEqualTo(2);
        assertThat(history.find(2)).isPresent();
        assertThat(history.find(3)).isEmpty();
    }

    @Test
    void aTombstoneWithdrawsAVersion() {
        PublishedVersions history = read(read(PublishedVersions.none(), 1), 2)
                .with(new ModelVersionKey("la", 2), null);

        assertThat(history.current()).map(ModelVersion::getVersion).contains(1);
        assertThat(history.highestVersion()).isEqualTo(1);
        assertThat(history.with(new ModelVersionKey("la", 1), null).current()).isEmpty();
    }

    @Test
    void aRecordThatNamesAnotherVersionThanItsKeyIsIgnored() {
        PublishedVersions history = read(PublishedVersions.none(), 1);

        assertThat(history.with(new ModelVersionKey("la", 2), version("la", 3)).history()).hasSize(1);
        assertThat(history.with(new ModelVersionKey("la", 2), version("other", 2)).history()).hasSize(1);
        assertThat(PublishedVersions.none().highestVersion()).isZero();
    }
}
