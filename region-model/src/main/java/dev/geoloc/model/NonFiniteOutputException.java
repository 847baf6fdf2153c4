package dev.geoloc.model;

/**
 * The model produced a probability that is not finite. For a model that is otherwise sound this is a property
 * of the input, so callers can set the one image aside rather than the whole model.
 */
public final class NonFiniteOutputException extends IllegalStateException {

    public NonFiniteOutputException(String message) {
        super(message);
    }
}
