package dev.geoloc.processor.batching;

import java.time.Duration;

/**
 * When a batch runs: as soon as it holds {@code maxSize} images, or when its oldest image has waited
 * {@code maxDelay}, whichever comes first (Triton's dynamic batcher, DJL Serving's batch_size / max_batch_delay).
 *
 * @param queueCapacity images that may wait for inference before submitters are held back
 */
public record BatchPolicy(int maxSize, Duration maxDelay, int queueCapacity) {

    public BatchPolicy {
        if (maxSize < 1) {
            throw new IllegalArgumentException("geoloc.batching.max-size " + maxSize + " must be at least 1");
        }
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("geoloc.batching.max-delay " + maxDelay + " must not be negative");
        }
        if (queueCapacity < maxSize) {
            throw new IllegalArgumentException("geoloc.batching.queue-capacity " + queueCapacity
                    + " must hold at least one full batch (" + maxSize + ")");
        }
    }
}
