package dev.geoloc.processor.batching;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The heap that images taken and not yet answered may hold, in bytes, across every stream thread. The batcher's
 * queue capacity counts images, and an image may be 10 KB or 10 MiB: 128 queued images of 10 MiB, each held as
 * its record's value and its encoded file, are 2.5 GiB against a 1 GiB heap. A stream thread takes an image's
 * cost before decoding it and gives it back when its answer is handed on; while the budget is spent it waits,
 * handing on its own answers meanwhile, which holds back consumption as the queue's capacity does.
 */
public final class InFlightBudget {

    /** Room for the model-input tensor and the bookkeeping of one image, beside its bytes. */
    private static final long PER_IMAGE_BYTES = 1024 * 1024;

    private final long capacity;
    private long used; // guarded by this

    public InFlightBudget(long capacityBytes) {
        if (capacityBytes < PER_IMAGE_BYTES) {
            throw new IllegalArgumentException("the in-flight budget of " + capacityBytes + " bytes cannot hold one image");
        }
        this.capacity = capacityBytes;
    }

    /**
     * What an image costs while in flight: its record's value (kept for a dead letter's payload), the encoded
     * file inside it (kept to preprocess again after a model swap), and its tensor. An image over the whole
     * budget costs the whole budget, so that it waits for an empty pipeline instead of for ever.
     */
    public long costOf(byte[] recordValue) {
        long bytes = 2L * (recordValue == null ? 0 : recordValue.length) + PER_IMAGE_BYTES;
        return Math.min(bytes, capacity);
    }

    /** Takes {@code cost} bytes, waiting at most {@code wait} for room; returns whether it took them. */
    public synchronized boolean tryTake(long cost, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (used + cost > capacity) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        used += cost;
        return true;
    }

    /** Takes {@code cost} bytes whether or not there is room: for when waiting would be worse than the memory. */
    public synchronized void overdraw(long cost) {
        used += cost;
    }

    public synchronized void give(long cost) {
        used -= cost;
        notifyAll();
    }

    /** Bytes held by images in flight now. */
    public synchronized long used() {
        return used;
    }

    public long capacity() {
        return capacity;
    }
}
