package dev.geoloc.processor.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.geoloc.model.Sha256;
import dev.geoloc.objectstore.S3Settings;
import dev.geoloc.processor.artifacts.ArtifactException.Kind;
import dev.geoloc.processor.versions.RejectionKind;

/** Artifacts over http, from a real server on loopback: fetched and checked, or refused with the right kind. */
class ArtifactFetcherTest {

    private static final byte[] ARTIFACT = "a model bundle's zip, as far as this test is concerned".getBytes();

    @TempDir
    static Path dir;
    private static HttpServer server;
    private static final CountDownLatch RELEASE_STALLED = new CountDownLatch(1);

    @BeforeAll
    static void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/models/7.zip", exchange -> {
            exchange.sendResponseHeaders(200, ARTIFACT.length);
            exchange.getResponseBody().write(ARTIFACT);
            exchange.close();
        });
        // Sends its headers and the first bytes, then stalls, as a store whose connection hangs does.
        server.createContext("/models/stalled.zip", exchange -> {
            exchange.sendResponseHeaders(200, 1 << 20);
            exchange.getResponseBody().write(ARTIFACT);
            exchange.getResponseBody().flush();
            awaitRelease();
            exchange.close();
        });
        // Declares 8 GiB, sends the first bytes and stalls: only its headers can refuse it in time.
        server.createContext("/models/huge.zip", exchange -> {
            exchange.sendResponseHeaders(200, 8L << 30);
            exchange.getResponseBody().write(ARTIFACT);
            exchange.getResponseBody().flush();
            awaitRelease();
            exchange.close();
        });
        // Chunked, so no length is declared, and it never ends: only counting can refuse it.
        server.createContext("/models/endless.zip", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] block = new byte[1 << 16];
            try (OutputStream body = exchange.getResponseBody()) {
                for (int sent = 0; sent < 1 << 12; sent++) {
                    body.write(block);
                }
            } catch (IOException hungUp) {
                // the client stopped reading, as it should
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterAll
    static void stop() {
        RELEASE_STALLED.countDown();
        server.stop(0);
    }

    private static void awaitRelease() {
        try {
            RELEASE_STALLED.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void anHttpArtifactIsDownloadedCheckedAndDeletedWhenDone() throws Exception {
        Path downloads = dir.resolve("downloads");
        ArtifactFetcher fetcher = ArtifactFetcher.standard(downloads, 1 << 20, Duration.ofMinutes(1), S3Settings.AWS);

        LocalArtifact local = fetcher.fetch(url("/models/7.zip"), Sha256.of(ARTIFACT));

        assertThat(local.path().getParent()).isEqualTo(downloads);
        assertThat(local.sha256()).as("hashed as it was downloaded").isEqualTo(Sha256.of(ARTIFACT));
        assertThat(Files.readAllBytes(local.path())).isEqualTo(ARTIFACT);
        local.close();
        assertThat(local.path()).doesNotExist();
    }

    @Test
    void aWrongChecksumAMissingArtifactAndAnOversizedOneAreRefusedByKind() {
        ArtifactFetcher fetcher = ArtifactFetcher.standard(dir.resolve("downloads"), 1 << 20, Duration.ofMinutes(1),
                S3Settings.AWS);

        assertThatThrownBy(() -> fetcher.fetch(url("/models/7.zip"), "0".repeat(64)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CHECKSUM_MISMATCH));
        assertThatThrownBy(() -> fetcher.fetch(url("/models/8.zip"), Sha256.of(ARTIFACT)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessageContaining("HTTP 404");
        assertThatThrownBy(() -> fetcher.fetch(url("/models/8.zip?X-Amz-Signature=s3cret"), Sha256.of(ARTIFACT)))
                .as("a pre-signed link's credentials stay out of the reason").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> ArtifactFetcher.standard(dir.resolve("downloads"), 10, Duration.ofMinutes(1),
                S3Settings.AWS).fetch(url("/models/7.zip"), Sha256.of(ARTIFACT)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE))
                .hasMessageContaining("max-artifact-bytes");
        assertThatThrownBy(() -> fetcher.fetch("gs://bucket/7.zip", Sha256.of(ARTIFACT)))
                .hasMessageContaining("this processor fetches file, http, https, s3");
    }

    @Test
    void anArtifactDeclaredOverTheCapIsRefusedForGoodBeforeItsBodyIsRead() {
        ArtifactFetcher fetcher = ArtifactFetcher.standard(dir.resolve("downloads"), 1 << 20, Duration.ofMinutes(1),
                S3Settings.AWS);

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(
                () -> fetcher.fetch(url("/models/huge.zip"), Sha256.of(ARTIFACT)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(RejectionKind.of(e.kind()))
                        .as("refused for good").isEqualTo(RejectionKind.ARTIFACT_TOO_LARGE))
                .hasMessageContaining("is 8589934592 bytes, over geoloc.model.max-artifact-bytes (1048576)"),
                "its body stalls: reading it would wait for the download timeout");
    }

    @Test
    void aChunkedArtifactIsCountedAndRefusedOnceOverTheCap() throws Exception {
        Path downloads = dir.resolve("chunked-downloads");
        ArtifactFetcher fetcher = ArtifactFetcher.standard(downloads, 1 << 20, Duration.ofMinutes(1), S3Settings.AWS);

        assertThatThrownBy(() -> fetcher.fetch(url("/models/endless.zip"), Sha256.of(ARTIFACT)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(RejectionKind.of(e.kind()))
                        .as("refused for good").isEqualTo(RejectionKind.ARTIFACT_TOO_LARGE))
                .hasMessageContaining("is over geoloc.model.max-artifact-bytes (1048576 bytes)");
        try (var left = Files.list(downloads)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aDownloadThatStallsIsCutOffAtTheTimeoutAndLeavesNoFile() throws Exception {
        Path downloads = dir.resolve("stalled-downloads");
        ArtifactFetcher fetcher = ArtifactFetcher.standard(downloads, 1 << 21, Duration.ofSeconds(1), S3Settings.AWS);

        assertThatThrownBy(() -> fetcher.fetch(url("/models/stalled.zip"), Sha256.of(ARTIFACT)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(RejectionKind.of(e.kind()))
                        .as("tried again later").isEqualTo(RejectionKind.ARTIFACT_UNREACHABLE))
                .hasMessageContaining("did not finish within PT1S (geoloc.model.download-timeout)");
        try (var left = Files.list(downloads)) {
            assertThat(left).isEmpty();
        }
    }
}
