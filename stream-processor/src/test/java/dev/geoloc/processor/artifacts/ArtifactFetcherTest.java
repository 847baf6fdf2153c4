package dev.geoloc.processor.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.geoloc.processor.versions.RejectionKind;
import dev.geoloc.processor.versions.VersionRejectedException;

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
            try {
                RELEASE_STALLED.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterAll
    static void stop() {
        RELEASE_STALLED.countDown();
        server.stop(0);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void anHttpArtifactIsDownloadedCheckedAndDeletedWhenDone() throws Exception {
        ArtifactFetcher fetcher = ArtifactFetcher.standard(dir.resolve("downloads"), 1 << 20, Duration.ofMinutes(1));

        LocalArtifact local = fetcher.fetch(url("/models/7.zip"), Sha256.of(ARTIFACT));

        assertThat(local.downloaded()).isTrue();
        assertThat(Files.readAllBytes(local.path())).isEqualTo(ARTIFACT);
        local.close();
        assertThat(local.path()).doesNotExist();
    }

    @Test
    void aWrongChecksumAMissingArtifactAndAnOversizedOneAreRefusedByKind() {
        ArtifactFetcher fetcher = ArtifactFetcher.standard(dir.resolve("downloads"), 1 << 20, Duration.ofMinutes(1));

        assertThatThrownBy(() -> fetcher.fetch(url("/models/7.zip"), "0".repeat(64)))
                .isInstanceOfSatisfying(VersionRejectedException.class,
                        e -> assertThat(e.kind()).isEqualTo(RejectionKind.CHECKSUM_MISMATCH));
        assertThatThrownBy(() -> fetcher.fetch(url("/models/8.zip"), Sha256.of(ARTIFACT)))
                .isInstanceOfSatisfying(VersionRejectedException.class,
                        e -> assertThat(e.kind()).isEqualTo(RejectionKind.ARTIFACT_UNREACHABLE))
                .hasMessageContaining("HTTP 404");
        assertThatThrownBy(() -> fetcher.fetch(url("/models/8.zip?X-Amz-Signature=s3cret"), Sha256.of(ARTIFACT)))
                .as("a pre-signed link's credentials stay out of the reason").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> ArtifactFetcher.standard(dir.resolve("downloads"), 10, Duration.ofMinutes(1)).fetch(url("/models/7.zip"),
                Sha256.of(ARTIFACT))).hasMessageContaining("max-artifact-bytes");
        assertThatThrownBy(() -> fetcher.fetch("s3://bucket/7.zip", Sha256.of(ARTIFACT)))
                .hasMessageContaining("this processor fetches file, http, https");
    }

    @Test
    void aDownloadThatStallsIsCutOffAtTheTimeoutAndLeavesNoFile() throws Exception {
        Path downloads = dir.resolve("stalled-downloads");
        ArtifactFetcher fetcher = ArtifactFetcher.standard(downloads, 1 << 21, Duration.ofSeconds(1));

        assertThatThrownBy(() -> fetcher.fetch(url("/models/stalled.zip"), Sha256.of(ARTIFACT)))
                .isInstanceOfSatisfying(VersionRejectedException.class,
                        e -> assertThat(e.kind()).as("tried again later").isEqualTo(RejectionKind.ARTIFACT_UNREACHABLE))
                .hasMessageContaining("did not finish within PT1S (geoloc.model.download-timeout)");
        try (var left = Files.list(downloads)) {
            assertThat(left).isEmpty();
        }
    }
}
