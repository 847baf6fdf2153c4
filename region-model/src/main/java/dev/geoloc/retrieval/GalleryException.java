package dev.geoloc.retrieval;

/** A gallery file that cannot be used, and why. */
public final class GalleryException extends RuntimeException {

    public GalleryException(String message) {
        super(message);
    }
}
