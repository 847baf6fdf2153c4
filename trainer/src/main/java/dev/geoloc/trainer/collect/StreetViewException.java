package dev.geoloc.trainer.collect;

import java.io.IOException;

/**
 * The Street View API refused a request for good (a denied key, an invalid request) or kept failing past the
 * retries. Messages never hold the API key: URLs in them are redacted.
 */
public final class StreetViewException extends IOException {

    public StreetViewException(String message) {
        super(message);
    }
}
