package dev.geoloc.trainer.collect;

/** The {@code status} of a Street View metadata answer, and what the collector does about it. */
public enum MetadataStatus {
    /** A panorama was found near the point. */
    OK,
    /** No panorama near the point: try another point. */
    ZERO_RESULTS,
    /** The location could not be found (meant for addresses): also no panorama. */
    NOT_FOUND,
    /** Quota or rate exceeded: transient, retried with backoff. */
    OVER_QUERY_LIMIT,
    /** Bad or unauthorised key: retrying cannot help. */
    REQUEST_DENIED,
    /** Malformed request: retrying cannot help. */
    INVALID_REQUEST,
    /** A server-side error: transient, retried with backoff. */
    UNKNOWN_ERROR;

    public boolean transientError() {
        return this == OVER_QUERY_LIMIT || this == UNKNOWN_ERROR;
    }

    public boolean fatal() {
        return this == REQUEST_DENIED || this == INVALID_REQUEST;
    }
}
