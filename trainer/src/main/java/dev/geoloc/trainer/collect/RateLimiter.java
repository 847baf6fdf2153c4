package dev.geoloc.trainer.collect;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket: {@code permitsPerSecond} requests on average, at most {@code burst} back to back. Every
 * HTTP request of the collector takes a permit first, retries included, so a quota error never turns into a
 * burst of retries.
 */
public final class RateLimiter {

    private final double nanosPerPermit;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private double tokens;
    private long refilledAt;

    /**
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} in production)
     * @param sleeper   waits for the next permit; a test sleeper advances the fake clock
     */
    public RateLimiter(double permitsPerSecond, int burst, LongSupplier nanoClock, Sleeper sleeper) {
        if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
            throw new IllegalArgumentException("rate " + permitsPerSecond + " must be a positive number of requests per second");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst " + burst + " must be at least 1");
        }
        this.nanosPerPermit = 1e9 / permitsPerSecond;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
        this.tokens = burst;
        this.refilledAt = nanoClock.getAsLong();
    }

    /** Permits at the given rate, one at a time: even spacing, the politest pattern for an API. */
    public static RateLimiter perSecond(double permitsPerSecond) {
        return new RateLimiter(permitsPerSecond, 1, System::nanoTime, Sleeper.SYSTEM);
    }

    /** Blocks until a permit is free, then takes it. */
    public synchronized void acquire() throws InterruptedException {
        refill();
        while (tokens < 1) {
            long wait = (long) Math.ceil((1 - tokens) * nanosPerPermit);
            sleeper.sleep(Duration.ofNanos(wait));
            refill();
        }
        tokens -= 1;
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - refilledAt) / nanosPerPermit);
        refilledAt = now;
    }
}
