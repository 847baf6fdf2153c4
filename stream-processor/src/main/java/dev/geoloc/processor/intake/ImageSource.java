package dev.geoloc.processor.intake;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.InlineImage;

/**
 * The encoded image file of an event: carried inline, or fetched from its URI. Fetches run on a pool of their own,
 * never on a stream thread, where one slow server would hold every partition of that thread for up to the fetch
 * timeout per event. At most {@code perHost} fetches go to one host at a time, so one hanging host cannot take the
 * whole pool; a fetch that cannot start within the fetch timeout, for want of a thread or of its host's turn,
 * fails as URI_UNREACHABLE. How many fetches are pending at once is bounded upstream, by the in-flight budget.
 */
public final class ImageSource implements AutoCloseable {

    /** Fetches an image by URI, or says why not; blocking. */
    @FunctionalInterface
    public interface UriFetcher {
        byte[] fetch(String uri) throws Rejection;
    }

    private final UriFetcher fetcher;
    private final Duration startWithin;
    private final int perHost;
    private final ExecutorService pool;
    /** Fetches under way per host; a host leaves the map when it has none. Guarded by itself. */
    private final Map<String, Integer> hostsBusy = new HashMap<>();

    /**
     * @param threads     fetches under way at once, across hosts
     * @param perHost     fetches under way at once to one host
     * @param startWithin how long a fetch may wait for a thread and its host's turn
     */
    public ImageSource(UriFetcher fetcher, int threads, int perHost, Duration startWithin) {
        if (threads < 1 || perHost < 1) {
            throw new IllegalArgumentException("fetch threads and fetches per host must be at least 1, got " + threads
                    + " and " + perHost);
        }
        this.fetcher = fetcher;
        this.perHost = perHost;
        this.startWithin = startWithin;
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "geoloc-uri-fetch");
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        this.pool = executor;
    }

    /** The inline image's bytes: the decoder's own array when it holds exactly them (nothing else writes it), else a copy. */
    public static byte[] inline(InlineImage inline) {
        ByteBuffer data = inline.getData().duplicate();
        if (data.hasArray() && data.arrayOffset() == 0 && data.position() == 0 && data.remaining() == data.array().length) {
            return data.array();
        }
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return bytes;
    }

    /**
     * Fetches the image on the fetch pool. The future fails with a {@link Rejection} (in a CompletionException)
     * when the image cannot be had.
     */
    public CompletableFuture<byte[]> fetch(String uri) {
        long deadline = System.nanoTime() + startWithin.toNanos();
        String host = hostOf(uri);
        return CompletableFuture.supplyAsync(() -> {
            if (!takeTurn(host, deadline)) {
                throw new CompletionException(new Rejection(DeadLetterCode.URI_UNREACHABLE, String.format(Locale.ROOT,
                        "The fetch of %s could not start within %d ms: %d fetches from %s were under way all along "
                                + "(geoloc.uri.max-fetches-per-host), or every fetch thread was busy",
                        uri, startWithin.toMillis(), perHost, host)));
            }
            try {
                return fetcher.fetch(uri);
            } catch (Rejection e) {
                throw new CompletionException(e);
            } finally {
                endTurn(host);
            }
        }, pool);
    }

    private boolean takeTurn(String host, long deadline) {
        synchronized (hostsBusy) {
            while (hostsBusy.getOrDefault(host, 0) >= perHost) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(hostsBusy, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (deadline - System.nanoTime() <= 0) {
                return false; // waited for a thread past its time: the event's producer has moved on
            }
            hostsBusy.merge(host, 1, Integer::sum);
            return true;
        }
    }

    private void endTurn(String host) {
        synchronized (hostsBusy) {
            hostsBusy.computeIfPresent(host, (h, busy) -> busy == 1 ? null : busy - 1);
            hostsBusy.notifyAll();
        }
    }

    /**
     * The server to count a fetch against, host and port (two servers on one machine are two); a URI that does not
     * parse is refused by the fetcher, on its own turn.
     */
    private static String hostOf(String uri) {
        try {
            URI parsed = URI.create(uri);
            return parsed.getHost() == null ? "" : parsed.getHost().toLowerCase(Locale.ROOT) + ":" + parsed.getPort();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
