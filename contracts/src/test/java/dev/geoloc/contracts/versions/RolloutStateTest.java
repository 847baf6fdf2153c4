package dev.geoloc.contracts.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;

/** How the model-versions topic's records fold into what serves, on records made here, without Kafka. */
class RolloutStateTest {

    private static final String MODEL = "la-street";
    private static final KeyPair PUBLISHER = keys();
    private static final KeyPair PROCESSOR = keys();
    private static final ActionKeys SIGNED = new ActionKeys(List.of(PUBLISHER.getPublic()), List.of(PROCESSOR.getPublic()));

    private RolloutState state = RolloutState.empty(MODEL);
    private Refusal lastRefusal;

    static KeyPair keys() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ModelVersion record(int version, long sequence, RolloutRole role, int percent) {
        return ModelVersion.newBuilder()
                .setModelName(MODEL).setVersion(version).setArtifactUri("file:///store/" + version + ".zip")
                .setSha256(Integer.toHexString(version).repeat(64).substring(0, 64)).setBackbone("tiny-cnn")
                .setHead("classifier").setLoss("ce").setRegionCatalogHash("catalog")
                .setMetrics(EvaluationMetrics.newBuilder().setDataset("d/test").setSamples(1).setAccuracy(0)
                        .setMeanErrorKm(0).setMedianErrorKm(0).setAccAt1km(0).setAccAt5km(0).setAccAt10km(0)
                        .setAccAt25km(0).build())
                .setCreatedTime(Instant.ofEpochMilli(1_700_000_000_000L)).setSequence(sequence).setRole(role)
                .setTrafficPercent(percent).build();
    }

    private static ModelVersion signed(ModelVersion record) {
        return RolloutSignatures.signed(PUBLISHER.getPrivate(), record);
    }

    private void fold(ModelVersion record, ActionKeys keys) {
        fold(new ModelVersionKey(MODEL, record.getVersion()), record, keys);
    }

    private void fold(ModelVersionKey key, ModelVersion record, ActionKeys keys) {
        RolloutState.Step step = state.apply(key, record, keys);
        state = step.state();
        lastRefusal = step.refusal().orElse(null);
    }

    private int stable() {
        return state.stable().orElseThrow().getVersion();
    }

    @Test
    void theLastStableRecordServesAndARollbackIsANewerStableRecordOfAnOlderVersion() {
        fold(signed(record(1, 1, RolloutRole.STABLE, 0)), SIGNED);
        fold(signed(record(2, 2, RolloutRole.STABLE, 0)), SIGNED);
        assertThat(stable()).isEqualTo(2);

        fold(signed(record(1, 3, RolloutRole.STABLE, 0)), SIGNED);

        assertThat(stable()).isEqualTo(1);
        assertThat(state.stableNewestFirst()).extracting(ModelVersion::getVersion).containsExactly(1, 2);
        assertThat(state.nextSequence()).isEqualTo(4);
        assertThat(lastRefusal).isNull();
    }

    @Test
    void anOldSignedRecordSentAgainIsRefusedAsReplayed() {
        ModelVersion v1 = signed(record(1, 1, RolloutRole.STABLE, 0));
        fold(v1, SIGNED);
        fold(signed(record(2, 2, RolloutRole.STABLE, 0)), SIGNED);

        fold(v1, SIGNED);

        assertThat(stable()).isEqualTo(2);
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.REPLAYED);
        assertThat(lastRefusal.version()).isEqualTo(1);
        assertThat(lastRefusal.reason()).contains("sequence 1 is not above 2");
    }

    @Test
    void theSameRecordSentTwiceInARowIsNeitherActedOnAgainNorReported() {
        ModelVersion v1 = signed(record(1, 1, RolloutRole.STABLE, 0));
        fold(v1, SIGNED);

        fold(v1, SIGNED);

        assertThat(stable()).isEqualTo(1);
        assertThat(lastRefusal).isNull();
    }

    @Test
    void whereActionsMustBeSignedATombstoneOrAnUnsignedRecordChangesNothing() {
        fold(signed(record(1, 1, RolloutRole.STABLE, 0)), SIGNED);
        fold(signed(record(2, 2, RolloutRole.STABLE, 0)), SIGNED);

        fold(new ModelVersionKey(MODEL, 2), null, SIGNED);
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.UNSIGNED_WITHDRAWAL);

        fold(record(1, 3, RolloutRole.STABLE, 0), SIGNED);
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.SIGNATURE_INVALID);
        assertThat(lastRefusal.reason()).contains("not signed");

        fold(RolloutSignatures.signed(keys().getPrivate(), record(1, 4, RolloutRole.STABLE, 0)), SIGNED);
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.SIGNATURE_INVALID);

        assertThat(stable()).isEqualTo(2);
        assertThat(state.nextSequence()).as("refused records still take their sequence").isEqualTo(5);
    }

    @Test
    void withoutKeysATombstoneWithdrawsAndTheVersionStableBeforeItServesAgain() {
        fold(record(1, 1, RolloutRole.STABLE, 0), ActionKeys.UNSIGNED);
        fold(record(2, 2, RolloutRole.STABLE, 0), ActionKeys.UNSIGNED);

        fold(new ModelVersionKey(MODEL, 2), null, ActionKeys.UNSIGNED);

        assertThat(stable()).isEqualTo(1);
        assertThat(state.find(2)).isEmpty();
        assertThat(state.highestVersion()).isEqualTo(2);
    }

    @Test
    void aSignatureCoversTheActionNotOnlyTheArtifact() {
        fold(signed(record(1, 1, RolloutRole.STABLE, 0)), SIGNED);
        ModelVersion canary = signed(record(2, 2, RolloutRole.CANARY, 5));

        fold(ModelVersion.newBuilder(canary).setTrafficPercent(90).build(), SIGNED);
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.SIGNATURE_INVALID);
        fold(ModelVersion.newBuilder(canary).setRole(RolloutRole.STABLE).setTrafficPercent(0).build(), SIGNED);
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.SIGNATURE_INVALID);

        fold(canary, SIGNED);
        assertThat(lastRefusal).isNull();
        assertThat(state.canary().orElseThrow().percent()).isEqualTo(5);
    }

    @Test
    void aCanaryTakesItsShareUntilPromotedAndANewStableEndsCanaryAndShadow() {
        fold(signed(record(1, 1, RolloutRole.STABLE, 0)), SIGNED);
        fold(signed(record(2, 2, RolloutRole.CANARY, 20)), SIGNED);
        fold(signed(record(3, 3, RolloutRole.SHADOW, 0)), SIGNED);
        assertThat(state.describe()).isEqualTo("stable v1, canary v2 at 20 %, shadow v3");

        fold(signed(record(2, 4, RolloutRole.STABLE, 0)), SIGNED); // promote

        assertThat(state.describe()).isEqualTo("stable v2");
        assertThat(state.versionNumbers()).containsExactly(1, 2, 3);
    }

    @Test
    void aProcessorsRollbackKeyMayWithdrawACanaryButNeverMakeAVersionServe() {
        fold(signed(record(1, 1, RolloutRole.STABLE, 0)), SIGNED);
        fold(signed(record(2, 2, RolloutRole.CANARY, 20)), SIGNED);

        fold(RolloutSignatures.signed(PROCESSOR.getPrivate(), record(2, 3, RolloutRole.STABLE, 0)), SIGNED);
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.SIGNATURE_INVALID);

        fold(RolloutSignatures.signed(PROCESSOR.getPrivate(), record(2, 4, RolloutRole.WITHDRAWN, 0)), SIGNED);
        assertThat(lastRefusal).isNull();
        assertThat(state.canary()).isEmpty();
        assertThat(stable()).isEqualTo(1);
    }

    @Test
    void aRollbackKeyCannotWithdrawTheStableVersionNorJumpTheSequence() {
        // Given v2 stable after v1, and v3 a canary
        fold(signed(record(1, 1, RolloutRole.STABLE, 0)), SIGNED);
        fold(signed(record(2, 2, RolloutRole.STABLE, 0)), SIGNED);
        fold(signed(record(3, 3, RolloutRole.CANARY, 20)), SIGNED);

        // When a processor's key signs the stable version's withdrawal, which would make v1 serve again
        fold(RolloutSignatures.signed(PROCESSOR.getPrivate(), record(2, 4, RolloutRole.WITHDRAWN, 0)), SIGNED);

        // Then it is refused, and so is the canary's withdrawal at a sequence no writer would take
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.SIGNATURE_INVALID);
        assertThat(lastRefusal.reason()).contains("only the canary in service (v3)");
        fold(RolloutSignatures.signed(PROCESSOR.getPrivate(), record(3, Long.MAX_VALUE, RolloutRole.WITHDRAWN, 0)), SIGNED);
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.INVALID_ACTION);
        assertThat(lastRefusal.reason()).contains("skips ahead of 5");
        assertThat(state.describe()).isEqualTo("stable v2, canary v3 at 20 %");
        assertThat(state.nextSequence()).isEqualTo(5);
    }

    @Test
    void anUnsignedRecordCanNeitherRunTheSequenceOutNorClaimTheHighestVersion() {
        fold(signed(record(1, 1, RolloutRole.STABLE, 0)), SIGNED);
        fold(signed(record(2, 2, RolloutRole.STABLE, 0)), SIGNED);

        // When records no key signed claim the largest sequence, and the largest version at the next sequence
        fold(record(2, Long.MAX_VALUE, RolloutRole.WITHDRAWN, 0), SIGNED);
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.INVALID_ACTION);
        fold(record(Integer.MAX_VALUE, 3, RolloutRole.STABLE, 0), SIGNED);
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.SIGNATURE_INVALID);
        fold(new ModelVersionKey(MODEL, Integer.MAX_VALUE), null, SIGNED);

        // Then the next action takes sequence 4 and version 3, and is acted on
        assertThat(state.nextSequence()).isEqualTo(4);
        assertThat(state.highestVersion()).isEqualTo(2);
        fold(signed(record(3, 4, RolloutRole.STABLE, 0)), SIGNED);
        assertThat(lastRefusal).isNull();
        assertThat(stable()).isEqualTo(3);
    }

    @Test
    void actionsThatCannotBeTakenAreRefusedAsInvalid() {
        fold(signed(record(1, 1, RolloutRole.CANARY, 20)), SIGNED);
        assertThat(lastRefusal.reason()).contains("no stable version");
        fold(signed(record(1, 2, RolloutRole.STABLE, 0)), SIGNED);
        fold(signed(record(2, 3, RolloutRole.CANARY, 100)), SIGNED);
        assertThat(lastRefusal.reason()).contains("1 to 99");
        fold(signed(record(1, 4, RolloutRole.SHADOW, 0)), SIGNED);
        assertThat(lastRefusal.reason()).contains("stable version");
        fold(new ModelVersionKey(MODEL, 5), signed(record(6, 5, RolloutRole.STABLE, 0)), SIGNED);
        assertThat(lastRefusal.reason()).contains("keyed la-street/5 but names la-street v6");
        fold(signed(record(7, 6, RolloutRole.UNKNOWN, 0)), SIGNED);
        assertThat(lastRefusal.reason()).contains("unknown");

        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.INVALID_ACTION);
        assertThat(state.describe()).isEqualTo("stable v1");
    }

    @Test
    void recordsFromBeforeSequencesActInTopicOrderUntilASequencedOneIsActedOn() {
        ModelVersion legacyV1 = record(1, 0, RolloutRole.STABLE, 0);
        fold(legacyV1, ActionKeys.UNSIGNED);
        fold(record(2, 0, RolloutRole.STABLE, 0), ActionKeys.UNSIGNED);
        fold(legacyV1, ActionKeys.UNSIGNED); // the rollback of those days: the record sent again
        assertThat(stable()).isEqualTo(1);

        fold(record(2, 1, RolloutRole.STABLE, 0), ActionKeys.UNSIGNED);
        fold(legacyV1, ActionKeys.UNSIGNED);

        assertThat(stable()).isEqualTo(2);
        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.REPLAYED);
    }

    @Test
    void duringAKeyRotationActionsSignedByEitherPublisherAreActedOn() {
        KeyPair successor = keys();
        ActionKeys both = new ActionKeys(List.of(PUBLISHER.getPublic(), successor.getPublic()), List.of());
        fold(signed(record(1, 1, RolloutRole.STABLE, 0)), both);

        fold(RolloutSignatures.signed(successor.getPrivate(), record(2, 2, RolloutRole.STABLE, 0)), both);
        assertThat(lastRefusal).isNull();
        fold(RolloutSignatures.signed(keys().getPrivate(), record(3, 3, RolloutRole.STABLE, 0)), both);

        assertThat(lastRefusal.code()).isEqualTo(Refusal.Code.SIGNATURE_INVALID);
        assertThat(stable()).isEqualTo(2);
    }

    @Test
    void otherModelsRecordsChangeNothing() {
        fold(signed(record(1, 1, RolloutRole.STABLE, 0)), SIGNED);

        fold(new ModelVersionKey("other", 9), null, SIGNED);

        assertThat(lastRefusal).isNull();
        assertThat(state.highestVersion()).isEqualTo(1);
    }

    @Test
    void aCanaryTakesItsShareOfKeysAndTheSameKeyAlwaysTheSameWay() {
        Canary canary = new Canary(record(2, 2, RolloutRole.CANARY, 20), 20);
        int taken = 0;
        for (int i = 0; i < 100_000; i++) {
            int hash = org.apache.kafka.common.utils.Utils.murmur2(("image-" + i).getBytes());
            if (canary.takes(hash)) {
                taken++;
            }
            assertThat(canary.takes(hash)).isEqualTo(canary.takes(hash));
        }
        assertThat(taken / 1000.0).isBetween(19.5, 20.5);
    }
}
