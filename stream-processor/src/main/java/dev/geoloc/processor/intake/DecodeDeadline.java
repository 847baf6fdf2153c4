package dev.geoloc.processor.intake;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.schemas.DeadLetterCode;

/**
 * Bounds the wall-clock time of one image's decode. The header checks refuse every costly input known (bombs,
 * scan floods, huge tiles); this catches the unforeseen one, which would otherwise hold its stream thread past
 * the transaction timeout, abort the transaction, and be read again, for ever. A decode runs on a thread of its
 * own while the stream thread waits up to the deadline; past it the image is a DECODE_TOO_COSTLY dead letter.
 * Native code cannot be stopped, so the late decode runs on to its end and its result is dropped; such runaways
 * are counted, and liveness turns DOWN once {@link #MAX_RUNAWAYS} run at once: a restart is then the cure.
 */
public final class DecodeDeadline implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DecodeDeadline.class);
    /** Runaway decodes tolerated at once; each holds a CPU core, and memory up to the pixel budget. */
    public static final int MAX_RUNAWAYS = 4;

    private static final int RUNNING = 0;
    private static final int FINISHED = 1;
    private static final int ABANDONED = 2;

    private final Duration deadline;
    private final AtomicInteger runaways = new AtomicInteger();
    /** A thread per decode in flight, reused; one per stream thread plus the runaways, so no decode ever queues. */
    private final ExecutorService decoders = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "geoloc-decode");
                thread.setDaemon(true);
                return thread;
            });

    public DecodeDeadline(Duration deadline) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("the decode deadline must be positive, got " + deadline);
        }
        this.deadline = deadline;
    }

    /**
     * @return the image's tensor for the preprocessor's model
     * @throws ImageRejectedException for an image the preprocessor refuses
     * @throws Rejection DECODE_TOO_COSTLY when the decode outlasts the deadline
     */
    public float[] preprocess(ImagePreprocessor preprocessor, byte[] encoded)
            throws ImageRejectedException, Rejection, InterruptedException {
        AtomicInteger state = new AtomicInteger(RUNNING);
        Future<float[]> decode = decoders.submit(() -> {
            try {
                return preprocessor.preprocess(encoded);
            } finally {
                if (state.getAndSet(FINISHED) == ABANDONED) {
                    runaways.decrementAndGet();
                }
            }
        });
        try {
            return decode.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (state.compareAndSet(RUNNING, ABANDONED)) {
                int running = runaways.incrementAndGet();
                LOG.warnf("A %,d-byte image is still decoding after %s; dead-lettered, %d such decodes running",
                        encoded.length, deadline, running);
            }
            throw new Rejection(DeadLetterCode.DECODE_TOO_COSTLY, String.format(Locale.ROOT,
                    "Decoding the %,d-byte image took longer than %d ms (geoloc.images.decode-timeout); its header "
                            + "passed every check, so it is costly in a way not foreseen", encoded.length, deadline.toMillis()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ImageRejectedException rejected) {
                throw rejected;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("decoding failed", e.getCause());
        }
    }

    /** Decodes that outlasted their deadline and still run; liveness is DOWN at {@link #MAX_RUNAWAYS}. */
    public int runaways() {
        return runaways.get();
    }

    @Override
    public void close() {
        decoders.shutdownNow();
    }
}
