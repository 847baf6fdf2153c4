package dev.geoloc.processor.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import dev.geoloc.processor.versions.RejectionKind;
import dev.geoloc.processor.versions.VersionRejectedException;

/**
 * {@code http(s)://} artifacts, downloaded to a temporary file: a web server, or an object store's pre-signed
 * links. Capped in size and in time, since a store that hangs must not hold the follower thread for good.
 */
public final class HttpArtifactStore implements ArtifactStore {

    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "geoloc-artifact-watchdog");
                thread.setDaemon(true);
                return thread;
            });

    private final Path downloads;
    private final long maxBytes;
    private final Duration downloadTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /**
     * @param downloads       where downloads are kept while a version loads
     * @param maxBytes        the largest artifact downloaded
     * @param downloadTimeout the longest a download may take
     */
    HttpArtifactStore(Path downloads, long maxBytes, Duration downloadTimeout) {
        this.downloads = downloads;
        this.maxBytes = maxBytes;
        this.downloadTimeout = downloadTimeout;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("http", "https");
    }

    @Override
    public LocalArtifact fetch(URI uri) throws VersionRejectedException {
        Path file = null;
        try {
            Files.createDirectories(downloads);
            file = Files.createTempFile(downloads, "artifact-", ".zip");
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + ArtifactUris.shown(uri)
                            + " answered HTTP " + response.statusCode());
                }
                // The request timeout covers only the headers: a body that stalls is cut off by closing it.
                java.util.concurrent.atomic.AtomicBoolean cutOff = new java.util.concurrent.atomic.AtomicBoolean();
                var watchdog = WATCHDOG.schedule(() -> {
                    cutOff.set(true);
                    closeQuietly(body);
                }, downloadTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                try {
                    copyCapped(body, file, uri);
                } catch (IOException e) {
                    if (!cutOff.get()) {
                        throw e;
                    }
                } finally {
                    watchdog.cancel(false);
                }
                if (cutOff.get()) {
                    // Whether the read failed or ended as if complete, what arrived is not the whole artifact.
                    throw new IOException("it did not finish within " + downloadTimeout
                            + " (geoloc.model.download-timeout)");
                }
            }
            return new LocalArtifact(file, true);
        } catch (IOException e) {
            deleteQuietly(file);
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + ArtifactUris.shown(uri)
                    + " cannot be downloaded: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(file);
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "interrupted downloading " + ArtifactUris.shown(uri), e);
        } catch (VersionRejectedException e) {
            deleteQuietly(file);
            throw e;
        }
    }

    private void copyCapped(InputStream body, Path file, URI uri) throws IOException, VersionRejectedException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = body.read(buffer)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + ArtifactUris.shown(uri)
                            + " is over geoloc.model.max-artifact-bytes (" + maxBytes + ")");
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private static void closeQuietly(InputStream stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // the download fails on its own
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temporary file, nothing more
            }
        }
    }
}
