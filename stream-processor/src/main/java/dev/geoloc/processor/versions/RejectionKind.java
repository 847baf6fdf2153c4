package dev.geoloc.processor.versions;

import dev.geoloc.processor.artifacts.ArtifactException;

/**
 * Why a published version could not serve here: the tag of {@code geoloc_model_rejections_total}. A record whose
 * signature does not verify is not a version at all: it is refused before anything loads
 * ({@link dev.geoloc.contracts.versions.Refusal}).
 */
public enum RejectionKind {
    /** The artifact is missing, or cannot be fetched: the only kind tried again later, since it may pass. */
    ARTIFACT_UNREACHABLE,
    /**
     * The artifact is over {@code geoloc.model.max-artifact-bytes}: refused for good, not fetched again unless the
     * version is republished with another artifact (or the instance restarts with a larger cap).
     */
    ARTIFACT_TOO_LARGE,
    /** The artifact's SHA-256 differs from the one published. */
    CHECKSUM_MISMATCH,
    /** The artifact is not a valid bundle, or libtorch cannot load its encoder. */
    CORRUPT_BUNDLE,
    /** Trained on another region catalog than this deployment serves. */
    INCOMPATIBLE_CATALOG,
    /** The canary batch gave probabilities that are not finite or do not sum to 1. */
    CANARY_FAILED,
    /**
     * This instance computes the version's reference outputs (bundle.json's numerics) differently by more than their
     * tolerance, or its own numerics self-check failed: the CPU, kernel path or device computes the model wrong here.
     */
    NUMERICS_MISMATCH;

    /** The refusal of a version whose artifact could not be fetched, or was not the one published. */
    public static RejectionKind of(ArtifactException.Kind artifact) {
        return switch (artifact) {
            case UNREACHABLE -> ARTIFACT_UNREACHABLE;
            case TOO_LARGE -> ARTIFACT_TOO_LARGE;
            case CHECKSUM_MISMATCH -> CHECKSUM_MISMATCH;
        };
    }
}
