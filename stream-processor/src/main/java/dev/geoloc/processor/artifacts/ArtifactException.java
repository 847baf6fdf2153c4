package dev.geoloc.processor.artifacts;

/**
 * An artifact that cannot be brought here, or is not the one published: what went wrong, and a reason for people.
 * What that means for a version (refused, or tried again later) is for whoever fetched it to say.
 */
public final class ArtifactException extends Exception {

    /** What went wrong. */
    public enum Kind {
        /**
         * Missing, unreadable, not a regular file, refused by its server, or not copied within
         * {@code geoloc.model.download-timeout}: it may pass, so it is worth trying again later.
         */
        UNREACHABLE,
        /** Over {@code geoloc.model.max-artifact-bytes}: the same artifact is as large next time. */
        TOO_LARGE,
        /** The SHA-256 of the bytes copied differs from the one published. */
        CHECKSUM_MISMATCH
    }

    private final Kind kind;

    public ArtifactException(Kind kind, String reason, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
    }

    public ArtifactException(Kind kind, String reason) {
        this(kind, reason, null);
    }

    public Kind kind() {
        return kind;
    }
}
