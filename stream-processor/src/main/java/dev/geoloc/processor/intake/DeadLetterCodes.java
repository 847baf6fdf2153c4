package dev.geoloc.processor.intake;

import dev.geoloc.imaging.Reason;
import dev.geoloc.processor.fetch.FetchException;
import dev.geoloc.schemas.DeadLetterCode;

/**
 * The dead-letter code of each way an image can fail, in one place. Switches without a default: a new reason or
 * failure does not compile until it has a code, where a lookup by name would throw at run time, on the stream thread.
 */
public final class DeadLetterCodes {

    private DeadLetterCodes() {
    }

    /** An image the preprocessor refused. */
    public static DeadLetterCode of(Reason reason) {
        return switch (reason) {
            case EMPTY_IMAGE -> DeadLetterCode.EMPTY_IMAGE;
            case PAYLOAD_TOO_LARGE -> DeadLetterCode.PAYLOAD_TOO_LARGE;
            case NOT_AN_IMAGE -> DeadLetterCode.NOT_AN_IMAGE;
            case UNSUPPORTED_FORMAT -> DeadLetterCode.UNSUPPORTED_FORMAT;
            case TRUNCATED_IMAGE -> DeadLetterCode.TRUNCATED_IMAGE;
            case CORRUPT_IMAGE -> DeadLetterCode.CORRUPT_IMAGE;
            case IMAGE_TOO_LARGE -> DeadLetterCode.IMAGE_TOO_LARGE;
            case DECODE_TOO_COSTLY -> DeadLetterCode.DECODE_TOO_COSTLY;
        };
    }

    /** An image URI that could not be fetched. */
    public static DeadLetterCode of(FetchException.Failure failure) {
        return switch (failure) {
            case URI_NOT_ALLOWED -> DeadLetterCode.URI_NOT_ALLOWED;
            case URI_UNREACHABLE -> DeadLetterCode.URI_UNREACHABLE;
            case URI_TOO_LARGE -> DeadLetterCode.URI_TOO_LARGE;
        };
    }
}
