package dev.geoloc.processor.model;

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
import java.util.Locale;

import dev.geoloc.model.Sha256;

/**
 * Brings a published artifact to a local file and checks it is the one published: its SHA-256 must match the
 * record's. {@code file://} artifacts are read where they are; {@code http(s)://} ones are downloaded. Object
 * stores that hand out https URLs (pre-signed S3 or GCS links) work as they are.
 */
final class ArtifactFetcher {

    /** A local copy of an artifact; {@link #close()} deletes it if it was downloaded. */
    record Local(Path path, boolean downloaded) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (downloaded) {
                Files.deleteIfExists(path);
            }
        }
    }

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

    ArtifactFetcher(Path downloads, long maxBytes, Duration downloadTimeout) {
        this.downloads = downloads;
        this.maxBytes = maxBytes;
        this.downloadTimeout = downloadTimeout;
    }

    Local fetch(String artifactUri, String expectedSha256) throws VersionRejectedException {
        URI uri;
        try {
            uri = URI.create(artifactUri);
        } catch (IllegalArgumentException e) {
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact_uri " + artifactUri
                    + " is not a URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Local local = switch (scheme) {
            case "file" -> local(uri);
            case "http", "https" -> download(uri);
            default -> throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + artifactUri
                    + " has scheme '" + scheme + "'; file, http and https are fetched");
        };
        try {
            String actual = Sha256.of(local.path());
            if (!actual.equalsIgnoreCase(expectedSha256)) {
                throw new VersionRejectedException(RejectionKind.CHECKSUM_MISMATCH, "artifact " + artifactUri
                        + " has sha256 " + actual + ", but the version was published with " + expectedSha256);
            }
            return local;
        } catch (IOException | VersionRejectedException | RuntimeException e) {
            closeQuietly(local);
            if (e instanceof VersionRejectedException rejected) {
                throw rejected;
            }
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + artifactUri
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static Local local(URI uri) throws VersionRejectedException {
        Path path;
        try {
            path = Path.of(uri);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + uri
                    + " is not a local file path: " + e.getMessage());
        }
        if (!Files.isReadable(path)) {
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + uri
                    + " does not exist or cannot be read here");
        }
        return new Local(path, false);
    }

    private Local download(URI uri) throws VersionRejectedException {
        Path file = null;
        try {
            Files.createDirectories(downloads);
            file = Files.createTempFile(downloads, "artifact-", ".zip");
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + uri
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
                    if (cutOff.get()) {
                        throw new IOException("it did not finish within " + downloadTimeout
                                + " (geoloc.model.download-timeout)", e);
                    }
                    throw e;
                } finally {
                    watchdog.cancel(false);
                }
            }
            return new Local(file, true);
        } catch (IOException e) {
            deleteQuietly(file);
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + uri
                    + " cannot be downloaded: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            deleteQuietly(file);
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "interrupted downloading " + uri, e);
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
                    throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + uri
                            + " is over geoloc.model.max-artifact-bytes (" + maxBytes + ")");
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private static void closeQuietly(Local local) {
        try {
            local.close();
        } catch (IOException ignored) {
            // a leftover temporary file, nothing more
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
