package dev.geoloc.processor.model;

/** A model version that must not be served, with the kind of failure and a reason for people. */
public final class VersionRejectedException extends Exception {

    private final RejectionKind kind;

    public VersionRejectedException(RejectionKind kind, String reason, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
    }

    public VersionRejectedException(RejectionKind kind, String reason) {
        this(kind, reason, null);
    }

    public RejectionKind kind() {
        return kind;
    }
}
