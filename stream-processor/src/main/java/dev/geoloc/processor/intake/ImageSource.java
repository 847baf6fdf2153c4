package dev.geoloc.processor.intake;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.geoloc.processor.fetch.ImageFetcher;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.InlineImage;

/**
 * The encoded image file of an event: carried inline, or fetched from its URI. Fetches run on a pool of their own,
 * never on a stream thread, where one slow server would hold every partition of that thread for up to the fetch
 * timeout per event. At most {@code perHost} fetches go to one host at a time, and the others wait for its turn off
 * the pool, so one hanging host holds {@code perHost} threads and no more; a fetch that cannot start within the
 * fetch timeout, for want of a thread or of its host's turn, fails as URI_UNREACHABLE (one that waits for its
 * host fails when the host's next turn comes, so at most a fetch timeout later). How many fetches are pending at
 * once is bounded upstream, by the in-flight budget.
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
    /** Fetches waiting for their host's turn, in arrival order, per host. Guarded by {@link #hostsBusy}. */
    private final Map<String, ArrayDeque<Fetch>> waiting = new HashMap<>();

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
        Fetch fetch = new Fetch(uri, hostOf(uri), System.nanoTime() + startWithin.toNanos(), new CompletableFuture<>());
        synchronized (hostsBusy) {
            if (hostsBusy.getOrDefault(fetch.host(), 0) >= perHost) {
                // Waits for its host's turn here, not on a pool thread: threads go only to fetches that can start,
                // so a host that hangs holds perHost threads and no more.
                waiting.computeIfAbsent(fetch.host(), host -> new ArrayDeque<>()).add(fetch);
                return fetch.result();
            }
            hostsBusy.merge(fetch.host(), 1, Integer::sum);
        }
        start(fetch);
        return fetch.result();
    }

    /** A fetch and where its answer goes; {@code deadline} is when it must have started by. */
    private record Fetch(String uri, String host, long deadline, CompletableFuture<byte[]> result) {

        void notStarted(String why) {
            result.completeExceptionally(new CompletionException(new Rejection(DeadLetterCode.URI_UNREACHABLE, why)));
        }
    }

    /** Runs a fetch that holds one of its host's turns on the pool; the turn passes on when it ends. */
    private void start(Fetch fetch) {
        try {
            pool.execute(() -> {
                try {
                    if (System.nanoTime() - fetch.deadline() > 0) {
                        fetch.notStarted(notStartedReason(fetch, "every fetch thread was busy"));
                    } else {
                        fetch.result().complete(fetcher.fetch(fetch.uri()));
                    }
                } catch (Rejection e) {
                    fetch.result().completeExceptionally(new CompletionException(e));
                } catch (Throwable e) {
                    // Whatever it is, the image gets its answer: an event left waiting would hold its partition.
                    fetch.result().completeExceptionally(e);
                    if (e instanceof Error error) {
                        throw error;
                    }
                } finally {
                    endTurn(fetch.host());
                }
            });
        } catch (RejectedExecutionException e) {
            endTurn(fetch.host());
            fetch.result().completeExceptionally(closed());
        }
    }

    /**
     * What a fetch the closed pool will not run fails with: a cancellation, which leaves its event to be read again by
     * whoever runs its task next, not a dead letter.
     */
    private static CancellationException closed() {
        return new CancellationException("the fetch pool is closed: the processor is stopping");
    }

    /**
     * Passes the host's turn to the first fetch waiting for it that is still within its time; those past it fail
     * now, having waited their whole time for the host.
     */
    private void endTurn(String host) {
        List<Fetch> late = new ArrayList<>();
        Fetch next = null;
        synchronized (hostsBusy) {
            ArrayDeque<Fetch> queue = waiting.get(host);
            while (queue != null && !queue.isEmpty() && next == null) {
                Fetch candidate = queue.poll();
                if (System.nanoTime() - candidate.deadline() > 0) {
                    late.add(candidate);
                } else {
                    next = candidate;
                }
            }
            if (queue != null && queue.isEmpty()) {
                waiting.remove(host);
            }
            if (next == null) {
                hostsBusy.computeIfPresent(host, (h, busy) -> busy == 1 ? null : busy - 1);
            }
        }
        late.forEach(fetch -> fetch.notStarted(notStartedReason(fetch, perHost + " fetches from " + host
                + " were under way all along (geoloc.uri.max-fetches-per-host)")));
        if (next != null) {
            start(next);
        }
    }

    private String notStartedReason(Fetch fetch, String why) {
        return String.format(Locale.ROOT, "The fetch of %s could not start within %d ms: %s",
                ImageFetcher.shownRaw(fetch.uri()), startWithin.toMillis(), why);
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
        List<Fetch> stranded = new ArrayList<>();
        synchronized (hostsBusy) {
            waiting.values().forEach(stranded::addAll);
            waiting.clear();
        }
        stranded.forEach(fetch -> fetch.result().completeExceptionally(closed()));
    }
}
