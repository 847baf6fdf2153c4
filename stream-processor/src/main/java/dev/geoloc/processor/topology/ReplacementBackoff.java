package dev.geoloc.processor.topology;

/**
 * How long to wait before replacing a stream thread that failed: nothing after a quiet spell, then twice as long
 * for each failure that follows within a minute of the last, up to 30 s. A failure that repeats (the registry
 * down, the broker refusing) then costs a few retries a minute instead of a tight loop of rebalances and logs.
 */
final class ReplacementBackoff {

    static final long QUIET_MILLIS = 60_000;
    /** Under the 60 s a Kubernetes pod gets to stop: a close waits for a thread sleeping here. */
    static final long MAX_DELAY_MILLIS = 30_000;

    private long lastFailureMillis = Long.MIN_VALUE;
    private long delayMillis;

    /** Records a failure at {@code nowMillis}; returns how long to wait before replacing the thread. */
    synchronized long onFailure(long nowMillis) {
        boolean quiet = lastFailureMillis == Long.MIN_VALUE || nowMillis - lastFailureMillis > QUIET_MILLIS;
        delayMillis = quiet ? 0 : Math.min(MAX_DELAY_MILLIS, Math.max(1_000, delayMillis * 2));
        lastFailureMillis = nowMillis + delayMillis; // the quiet minute counts from the replacement, not the failure
        return delayMillis;
    }
}
