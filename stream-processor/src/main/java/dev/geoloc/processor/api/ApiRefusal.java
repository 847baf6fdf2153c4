package dev.geoloc.processor.api;

import java.time.Duration;
import java.util.Optional;

import dev.geoloc.schemas.DeadLetterCode;

/**
 * Why a geotag request got no prediction, as its HTTP answer: a status, a code and a reason for a person. Bad input
 * carries the dead-letter code the same image would get on the stream; the rest are the API's own codes.
 *
 * @param retryAfter for 429 and 503: when trying again makes sense (the Retry-After header)
 */
public record ApiRefusal(int status, String code, String reason, Optional<Duration> retryAfter) {

    /** Too much is being answered now: try again in a moment. */
    static final String BUSY = "BUSY";
    /** No model can answer now (none loaded yet, or it fails on every image). */
    static final String UNAVAILABLE = "UNAVAILABLE";
    static final String UNAUTHORIZED = "UNAUTHORIZED";
    /** The request's body did not arrive in time. */
    static final String REQUEST_TIMEOUT = "REQUEST_TIMEOUT";

    private static final Duration BUSY_RETRY = Duration.ofSeconds(1);
    private static final Duration UNAVAILABLE_RETRY = Duration.ofSeconds(5);

    static ApiRefusal busy(String reason) {
        return new ApiRefusal(429, BUSY, reason, Optional.of(BUSY_RETRY));
    }

    static ApiRefusal unavailable(String reason) {
        return new ApiRefusal(503, UNAVAILABLE, reason, Optional.of(UNAVAILABLE_RETRY));
    }

    /** The request's image, or its fields, cannot be answered: the status that says whose fault, with the code. */
    static ApiRefusal badInput(DeadLetterCode code, String reason) {
        return new ApiRefusal(statusOf(code), code.name(), reason, Optional.empty());
    }

    /**
     * 413 for what is too big, 415 for a format no decoder reads, 422 for an image that is unreadable or that the
     * model cannot answer, 400 for a request that is malformed; 500 only for what is nobody's known fault.
     */
    static int statusOf(DeadLetterCode code) {
        return switch (code) {
            case IMAGE_TOO_LARGE, PAYLOAD_TOO_LARGE, URI_TOO_LARGE, OVERSIZED_KEY, OVERSIZED_FIELD -> 413;
            case UNSUPPORTED_FORMAT -> 415;
            case NOT_AN_IMAGE, TRUNCATED_IMAGE, CORRUPT_IMAGE, DECODE_TOO_COSTLY, INFERENCE_FAILED, URI_NOT_ALLOWED,
                 URI_UNREACHABLE -> 422;
            case MALFORMED_RECORD, MISSING_FIELD, EMPTY_IMAGE, NOT_WIRE_FORMAT, UNKNOWN_SCHEMA -> 400;
            case UNKNOWN -> 500;
        };
    }

    /** As an exception, for the paths that throw. */
    RefusedException exception() {
        return new RefusedException(this);
    }

    static final class RefusedException extends RuntimeException {

        private final transient ApiRefusal refusal;

        RefusedException(ApiRefusal refusal) {
            super(refusal.code() + ": " + refusal.reason(), null, false, false);
            this.refusal = refusal;
        }

        ApiRefusal refusal() {
            return refusal;
        }
    }
}
