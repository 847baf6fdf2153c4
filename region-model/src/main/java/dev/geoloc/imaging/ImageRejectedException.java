package dev.geoloc.imaging;

import java.util.Objects;

/** An image that cannot be turned into a model input, with the {@link Reason} and a message for people. */
public final class ImageRejectedException extends Exception {

    private final Reason reason;

    public ImageRejectedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
