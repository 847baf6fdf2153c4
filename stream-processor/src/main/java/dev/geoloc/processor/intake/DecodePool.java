package dev.geoloc.processor.intake;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.processor.batching.BatcherStoppedException;
import dev.geoloc.schemas.DeadLetterCode;

/**
 * Decodes images on a pool of their own, sized to the cores and independent of the stream threads and partitions:
 * a stream thread hands each image over and goes on taking records, so one stream thread keeps every core decoding
 * and the batcher gets images as fast as the cores decode them, not as fast as one thread does.
 *
 * <p>Each decode has a deadline, counted from when it starts (not while it waits its turn). The header checks refuse
 * every costly input known (bombs, scan floods, huge tiles); the deadline catches the unforeseen one, whose image
 * becomes a DECODE_TOO_COSTLY dead letter. Native code cannot be stopped, so the late decode runs on to its end and
 * its result is dropped; meanwhile the pool grows by a thread, so that the images behind it do not wait on it. Such
 * runaways are counted, and liveness turns DOWN once {@link #MAX_RUNAWAYS} run at once: a restart is then the cure.
 *
 * <p>How many images wait here is bounded upstream, by the in-flight budget; a decoded image goes on to the batcher
 * on the decode thread, which waits there while the batcher's queue is full.
 */
public final class DecodePool implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DecodePool.class);
    /** Runaway decodes tolerated at once; each holds a CPU core, and memory up to the pixel budget. */
    public static final int MAX_RUNAWAYS = 4;

    private static final int RUNNING = 0;
    private static final int FINISHED = 1;
    private static final int ABANDONED = 2;

    /** When an image's decode began ({@link System#nanoTime()}) and how long it took. */
    public record DecodeTime(long startedNanos, long nanos) {
    }

    /** An image's tensor for its model, and its decode's time. */
    public record Decoded(float[] tensor, DecodeTime time) {
    }

    private final int threads;
    private final Duration deadline;
    private final ThreadPoolExecutor pool;
    /** Decodes under way: at most the pool's threads, so a look at each is cheap. */
    private final Set<Running> running = ConcurrentHashMap.newKeySet();
    /**
     * Looks for decodes past their deadline every tenth of it: one wake-up per period, where an alarm per decode
     * cost 2 % of the processor's CPU at 400 images a second. A decode is given up within 1.1 deadlines.
     */
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(
            runnable -> daemon(runnable, "geoloc-decode-watch"));
    /** Decodes past their deadline and still running; guarded by this, with the pool's size. */
    private int runaways;

    /**
     * @param threads  decodes under way at once, runaways aside: the cores the decoding may take
     * @param deadline longest one decode may take before its image is refused
     */
    public DecodePool(int threads, Duration deadline) {
        if (threads < 1) {
            throw new IllegalArgumentException("decode threads must be at least 1, got " + threads);
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("the decode deadline must be positive, got " + deadline);
        }
        this.threads = threads;
        this.deadline = deadline;
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> daemon(runnable, "geoloc-decode"));
        pool.allowCoreThreadTimeOut(true);
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline.toNanos() / 10);
        watch.scheduleWithFixedDelay(this::giveUpLate, period, period, TimeUnit.NANOSECONDS);
    }

    /** A decode under way; its state says whether it finished or was given up first. */
    private record Running(long startedNanos, int bytes, CompletableFuture<Decoded> result, AtomicInteger state) {
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Decodes the image for the preprocessor's model, in turn. The future fails with a {@link Rejection} for an
     * image the preprocessor refuses or one past the deadline, and with {@link BatcherStoppedException} once the
     * pool is closed.
     */
    public CompletableFuture<Decoded> decode(ImagePreprocessor preprocessor, byte[] encoded) {
        CompletableFuture<Decoded> result = new CompletableFuture<>();
        try {
            pool.execute(() -> run(preprocessor, encoded, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new BatcherStoppedException("the decode pool is closed"));
        }
        return result;
    }

    private void run(ImagePreprocessor preprocessor, byte[] encoded, CompletableFuture<Decoded> result) {
        Running decode = new Running(System.nanoTime(), encoded.length, result, new AtomicInteger(RUNNING));
        running.add(decode);
        Decoded decoded = null;
        Throwable failure = null;
        try {
            decoded = new Decoded(preprocessor.preprocess(encoded),
                    new DecodeTime(decode.startedNanos(), System.nanoTime() - decode.startedNanos()));
        } catch (ImageRejectedException e) {
            failure = new Rejection(DeadLetterCodes.of(e.reason()), e.getMessage());
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        running.remove(decode);
        if (!decode.state().compareAndSet(RUNNING, FINISHED)) {
            runawayEnded(); // its image is a dead letter already
        } else if (failure == null) {
            result.complete(decoded);
        } else {
            result.completeExceptionally(failure);
        }
    }

    private void giveUpLate() {
        long now = System.nanoTime();
        for (Running decode : running) {
            if (now - decode.startedNanos() > deadline.toNanos() && abandon(decode)) {
                decode.result().completeExceptionally(tooCostly(decode.bytes()));
            }
        }
    }

    /** Past its deadline: a decode still running is a runaway from now on (under the lock, so its end counts after). */
    private synchronized boolean abandon(Running decode) {
        if (!decode.state().compareAndSet(RUNNING, ABANDONED)) {
            return false;
        }
        runaways++;
        resize();
        LOG.warnf("A %,d-byte image is still decoding after %s; dead-lettered, %d such decodes running",
                decode.bytes(), deadline, runaways);
        return true;
    }

    private Rejection tooCostly(int bytes) {
        return new Rejection(DeadLetterCode.DECODE_TOO_COSTLY, String.format(Locale.ROOT,
                "Decoding the %,d-byte image took longer than %d ms (geoloc.images.decode-timeout); its header "
                        + "passed every check, so it is costly in a way not foreseen", bytes, deadline.toMillis()));
    }

    private synchronized void runawayEnded() {
        runaways--;
        resize();
    }

    /** A thread for each runaway, on top of the pool's own: what waits behind a runaway starts anyway. */
    private void resize() {
        int size = threads + runaways;
        if (size > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(size);
            pool.setCorePoolSize(size);
        } else {
            pool.setCorePoolSize(size);
            pool.setMaximumPoolSize(size);
        }
    }

    /** Decodes that outlasted their deadline and still run; liveness is DOWN at {@link #MAX_RUNAWAYS}. */
    public synchronized int runaways() {
        return runaways;
    }

    /** Images waiting for a decode thread. */
    public int queued() {
        return pool.getQueue().size();
    }

    /** True when no image waits for a decode thread or is being decoded (approximately: the pool's own count). */
    public boolean idle() {
        return pool.getQueue().isEmpty() && pool.getActiveCount() == 0;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        watch.shutdownNow();
    }
}
