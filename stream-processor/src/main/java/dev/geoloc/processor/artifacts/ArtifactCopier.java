package dev.geoloc.processor.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.geoloc.processor.artifacts.ArtifactException.Kind;

/**
 * Copies an artifact into a private file of the downloads directory and hashes it in the same pass, so that what
 * loads is the very bytes checked: a file hashed where it lies and opened again to load could change in between.
 * Capped in size and in time whatever the store, since a source that never ends or hangs (a device, a stalled
 * server, a network volume) must not hold the follower thread for good.
 */
final class ArtifactCopier {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "geoloc-artifact-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    /** Threads that open artifacts; one stays behind for each open that never returned. */
    private static final ExecutorService OPENERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "geoloc-artifact-open");
        thread.setDaemon(true);
        return thread;
    });

    /** Opens that did not return within the timeout and still have not, by artifact. */
    private final Map<URI, CompletableFuture<InputStream>> stuck = new ConcurrentHashMap<>();
    private final Path downloads;
    private final long maxBytes;
    private final Duration timeout;

    /**
     * @param downloads where copies are kept while a version loads
     * @param maxBytes  the largest artifact copied
     * @param timeout   the longest a copy may take
     */
    ArtifactCopier(Path downloads, long maxBytes, Duration timeout) {
        this.downloads = downloads;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    /** Refuses, before a byte is read, an artifact its store says is over the cap. */
    void admit(URI uri, long declaredBytes) throws ArtifactException {
        if (declaredBytes > maxBytes) {
            throw new ArtifactException(Kind.TOO_LARGE, "artifact " + ArtifactUris.shown(uri) + " is " + declaredBytes
                    + " bytes, over geoloc.model.max-artifact-bytes (" + maxBytes + ")");
        }
    }

    /** Opens an artifact's bytes; what a store does before {@link #copy}. */
    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException, ArtifactException;
    }

    /**
     * Runs {@code opener} within the timeout. Opening a file can block as long as reading it: a FIFO waits for a
     * writer (one put in place of an artifact after its attributes were checked), a volume that stopped answering
     * never returns, and no interrupt ends either. So it runs on a thread of its own, which is left behind if the
     * timeout passes first, and closes what it opens if it ever returns.
     */
    InputStream open(URI uri, Opener opener) throws IOException, ArtifactException {
        if (stuck.containsKey(uri)) {
            // Retried with back-off for as long as it is published: one thread left behind per artifact, not per try.
            throw new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri) + " is not opened "
                    + "again: opening it last time did not return within " + timeout
                    + " (geoloc.model.download-timeout), and still has not");
        }
        CompletableFuture<InputStream> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return opener.open();
            } catch (IOException | ArtifactException e) {
                throw new CompletionException(e);
            }
        }, OPENERS);
        try {
            return opening.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof ArtifactException refused) {
                throw refused;
            }
            throw e.getCause() instanceof RuntimeException unexpected ? unexpected
                    : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            stuck.put(uri, opening);
            opening.whenComplete((in, failure) -> {
                stuck.remove(uri, opening);
                if (in != null) {
                    closeQuietly(in);
                }
            });
            throw new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri) + " did not finish "
                    + "within " + timeout + " (geoloc.model.download-timeout): opening it did not return (a volume "
                    + "that does not answer, or a FIFO in the artifact's place)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opening.thenAccept(ArtifactCopier::closeQuietly);
            throw new ArtifactException(Kind.UNREACHABLE, "interrupted while opening artifact "
                    + ArtifactUris.shown(uri));
        }
    }

    /**
     * Copies {@code source} to its end; the caller closes it.
     *
     * @throws IOException when reading or writing fails, for the caller to say what it was reading from
     */
    LocalArtifact copy(URI uri, InputStream source) throws IOException, ArtifactException {
        Files.createDirectories(downloads);
        Path file = Files.createTempFile(downloads, "artifact-", ".zip");
        boolean kept = false;
        // A read that blocks is ended by closing its stream from another thread.
        AtomicBoolean cutOff = new AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            cutOff.set(true);
            closeQuietly(source);
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            String sha256 = copyCapped(uri, source, file);
            if (cutOff.get()) {
                throw timedOut(uri, null);
            }
            kept = true;
            return new LocalArtifact(file, sha256);
        } catch (IOException e) {
            if (cutOff.get()) {
                throw timedOut(uri, e);
            }
            throw e;
        } finally {
            watchdog.cancel(false);
            if (!kept) {
                deleteQuietly(file);
            }
        }
    }

    /** Whether the read failed or ended as if complete once its stream was closed, what arrived is not all of it. */
    private ArtifactException timedOut(URI uri, IOException cause) {
        return new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri) + " did not finish within "
                + timeout + " (geoloc.model.download-timeout)", cause);
    }

    private String copyCapped(URI uri, InputStream source, Path file) throws IOException, ArtifactException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = source.read(buffer)) != -1; ) {
                total += n;
                // Counted, not only declared: a server streaming chunks, or a file still growing, says nothing true.
                if (total > maxBytes) {
                    throw new ArtifactException(Kind.TOO_LARGE, "artifact " + ArtifactUris.shown(uri)
                            + " is over geoloc.model.max-artifact-bytes (" + maxBytes + " bytes)");
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover file in the downloads directory, nothing more
        }
    }

    private static void closeQuietly(InputStream stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // the copy fails on its own
        }
    }
}
