package dev.geoloc.processor.batching;

/**
 * The batcher stopped before it ran an image: nothing is wrong with the image, so it must not be dead-lettered.
 * It stays pending, and the next owner of its partition predicts it.
 */
public final class BatcherStoppedException extends IllegalStateException {

    public BatcherStoppedException(String message) {
        super(message);
    }
}
