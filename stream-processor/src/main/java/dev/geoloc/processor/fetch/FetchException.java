package dev.geoloc.processor.fetch;

import java.util.Objects;

/**
 * An image URI that could not be fetched. The message is for people: it names the URI without userinfo or query
 * and says what was wrong and, where a setting decides it, which one.
 */
public final class FetchException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why; the names match the {@code DeadLetterCode} symbols of the same name. */
    public enum Failure {
        /** The policy refuses the URI: fetching off, scheme, host, address, userinfo, or a redirect to such. */
        URI_NOT_ALLOWED,
        /** Allowed, but no image came back: DNS, connection, timeout, non-2xx status, too many redirects. */
        URI_UNREACHABLE,
        /** The body is, or says it is, larger than {@code geoloc.uri.max-bytes}. */
        URI_TOO_LARGE
    }

    private final Failure failure;

    public FetchException(Failure failure, String message) {
        this(failure, message, null);
    }

    public FetchException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    public Failure failure() {
        return failure;
    }
}
