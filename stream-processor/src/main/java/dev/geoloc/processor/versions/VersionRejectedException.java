package dev.geoloc.processor.versions;

/** A model version that must not be served, with the kind of failure and a reason for people. */
public final class VersionRejectedException extends Exception {

    private final RejectionKind kind;
    private final double difference;

    public VersionRejectedException(RejectionKind kind, String reason, Throwable cause) {
        this(kind, reason, cause, Double.NaN);
    }

    /** @param difference for {@link RejectionKind#NUMERICS_MISMATCH}, the largest difference from the reference */
    public VersionRejectedException(RejectionKind kind, String reason, Throwable cause, double difference) {
        super(reason, cause);
        this.kind = kind;
        this.difference = difference;
    }

    public VersionRejectedException(RejectionKind kind, String reason) {
        this(kind, reason, null);
    }

    public RejectionKind kind() {
        return kind;
    }

    /** The largest difference from the reference outputs, for a numerics mismatch; NaN otherwise. */
    public double difference() {
        return difference;
    }
}
