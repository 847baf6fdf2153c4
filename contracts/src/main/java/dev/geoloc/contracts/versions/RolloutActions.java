package dev.geoloc.contracts.versions;

import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;

/**
 * New actions on versions already published: a promotion, a rollback, a withdrawal. The version's fields (artifact,
 * sha256, metrics) are the ones it was published with; the action's are new. Unsigned: sign with
 * {@link RolloutSignatures#signed}.
 */
public final class RolloutActions {

    private RolloutActions() {
    }

    /**
     * @param sequence {@link RolloutState#nextSequence()}
     * @param percent  the share, for a canary; 0 otherwise
     * @param notes    why, for whoever reads the topic; null to keep the version's
     */
    public static ModelVersion of(ModelVersion version, long sequence, RolloutRole role, int percent, String notes) {
        return copy(version).setSequence(sequence).setRole(role).setTrafficPercent(percent)
                .setNotes(notes == null ? version.getNotes() : notes).setSignature(null).build();
    }

    /**
     * A builder holding {@code record}'s fields as they are. Not {@code ModelVersion.newBuilder(record)}: that deep
     * copy goes through Avro's reflection, which fails where Avro and the generated classes sit in different class
     * loaders (Quarkus tests), and the fields are immutable values anyway.
     */
    static ModelVersion.Builder copy(ModelVersion record) {
        return ModelVersion.newBuilder()
                .setModelName(record.getModelName())
                .setVersion(record.getVersion())
                .setArtifactUri(record.getArtifactUri())
                .setSha256(record.getSha256())
                .setBackbone(record.getBackbone())
                .setHead(record.getHead())
                .setLoss(record.getLoss())
                .setRegionCatalogHash(record.getRegionCatalogHash())
                .setMetrics(record.getMetrics())
                .setCreatedTime(record.getCreatedTime())
                .setNotes(record.getNotes())
                .setSignature(record.getSignature())
                .setSequence(record.getSequence())
                .setRole(record.getRole())
                .setTrafficPercent(record.getTrafficPercent());
    }
}
