package dev.geoloc.processor.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.geoloc.contracts.versions.ActionKeys;
import dev.geoloc.contracts.versions.ModelVersionKey;
import dev.geoloc.contracts.versions.RolloutState;
import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;

/** What an instance chooses to serve, from the topic's state and what only it knows; no Kafka, no models. */
class ServingChoiceTest {

    private RolloutState state = RolloutState.empty("m");
    private long sequence;

    private ModelVersion act(int version, RolloutRole role, int percent) {
        ModelVersion record = ModelVersion.newBuilder().setModelName("m").setVersion(version)
                .setArtifactUri("file:///" + version + ".zip").setSha256(("" + version).repeat(64).substring(0, 64))
                .setBackbone("tiny-cnn").setHead("classifier").setLoss("ce").setRegionCatalogHash("c")
                .setMetrics(EvaluationMetrics.newBuilder().setDataset("d").setSamples(1).setAccuracy(0)
                        .setMeanErrorKm(0).setMedianErrorKm(0).setAccAt1km(0).setAccAt5km(0).setAccAt10km(0)
                        .setAccAt25km(0).build())
                .setCreatedTime(Instant.EPOCH).setSequence(++sequence).setRole(role).setTrafficPercent(percent).build();
        state = state.apply(new ModelVersionKey("m", version), record, ActionKeys.UNSIGNED).state();
        return record;
    }

    private static java.util.List<Integer> numbers(ServingChoice choice) {
        return choice.stableCandidates().stream().map(ModelVersion::getVersion).toList();
    }

    @Test
    void theStableVersionIsTriedFirstThenThoseBeforeItDownToTheOneServing() {
        ModelVersion v1 = act(1, RolloutRole.STABLE, 0);
        act(2, RolloutRole.STABLE, 0);
        act(3, RolloutRole.STABLE, 0);

        ServingChoice choice = ServingChoice.of(state, Optional.empty(), v -> true, Optional.of(v1), Set.of());

        assertThat(numbers(choice)).containsExactly(3, 2);
        assertThat(ServingChoice.of(state, Optional.empty(), v -> v.getVersion() != 3, Optional.of(v1), Set.of())
                .stableCandidates()).extracting(ModelVersion::getVersion).as("v3 refused here").containsExactly(2);
    }

    @Test
    void afterARollbackTheVersionsRolledBackFromAreNotFallenBackTo() {
        act(1, RolloutRole.STABLE, 0);
        act(2, RolloutRole.STABLE, 0);
        act(1, RolloutRole.STABLE, 0);

        ServingChoice choice = ServingChoice.of(state, Optional.empty(), v -> v.getVersion() != 1, Optional.empty(), Set.of());

        assertThat(choice.stableCandidates()).as("v1 refused, v2 above it").isEmpty();
    }

    @Test
    void aCanaryAndAShadowServeBesideTheStableUnlessStoppedOrRefusedHere() {
        ModelVersion v1 = act(1, RolloutRole.STABLE, 0);
        ModelVersion v2 = act(2, RolloutRole.CANARY, 20);
        act(3, RolloutRole.SHADOW, 0);

        ServingChoice all = ServingChoice.of(state, Optional.empty(), v -> true, Optional.of(v1), Set.of());
        assertThat(all.stableCandidates()).as("v1 serves already").isEmpty();
        assertThat(all.canary().orElseThrow().percent()).isEqualTo(20);
        assertThat(all.shadow().orElseThrow().getVersion()).isEqualTo(3);

        ServingChoice stopped = ServingChoice.of(state, Optional.empty(), v -> v.getVersion() != 3, Optional.of(v1),
                Set.of(ServingChoice.identity(v2)));
        assertThat(stopped.canary()).isEmpty();
        assertThat(stopped.shadow()).isEmpty();
    }

    @Test
    void aPinServesThatVersionAloneWithNoCanaryOrShadow() {
        ModelVersion v1 = act(1, RolloutRole.STABLE, 0);
        act(2, RolloutRole.STABLE, 0);
        act(3, RolloutRole.CANARY, 10);

        ServingChoice pinned = ServingChoice.of(state, Optional.of(1), v -> true, Optional.empty(), Set.of());
        assertThat(numbers(pinned)).containsExactly(1);
        assertThat(pinned.canary()).isEmpty();
        assertThat(ServingChoice.of(state, Optional.of(1), v -> true, Optional.of(v1), Set.of()).stableCandidates())
                .as("already serving").isEmpty();
    }
}
