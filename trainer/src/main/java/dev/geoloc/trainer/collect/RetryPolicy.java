package dev.geoloc.trainer.collect;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How transient failures are retried: up to {@code maxRetries} more tries, waiting
 * {@code initialBackoff * 2^retry} (capped at {@code maxBackoff}) between them. Half of each wait is random
 * ("equal jitter"), so that clients throttled together do not come back together.
 */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) {

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max retries " + maxRetries + " must not be negative");
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff " + initialBackoff + " must be >= 0 and at most " + maxBackoff);
        }
    }

    /** The wait before retry number {@code retry} (0 for the first retry): in [d/2, d] for d = the capped exponential. */
    public Duration backoff(int retry, RandomGenerator random) {
        long ceiling = initialBackoff.toNanos();
        for (int i = 0; i < retry && ceiling < maxBackoff.toNanos(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, maxBackoff.toNanos());
        long half = ceiling / 2;
        return Duration.ofNanos(half + (half == 0 ? 0 : random.nextLong(half + 1)));
    }
}
