package dev.geoloc.processor.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.model.Sha256;
import dev.geoloc.objectstore.S3Settings;
import dev.geoloc.processor.artifacts.ArtifactException.Kind;
import dev.geoloc.stack.LocalObjectStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** s3:// artifacts from a real S3-compatible server (S3Proxy, started by the test), read with the SDK's default chain. */
class S3ArtifactStoreTest {

    private static final byte[] ARTIFACT = "PK a model bundle's zip, as far as this test cares".repeat(1000).getBytes();

    @TempDir
    static Path dir;
    private static LocalObjectStore server;
    private static S3Settings settings;

    @BeforeAll
    static void storeAnArtifact() {
        server = LocalObjectStore.start(dir.resolve("s3"));
        server.createBucket("models");
        System.setProperty("aws.accessKeyId", LocalObjectStore.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", LocalObjectStore.SECRET_KEY);
        settings = new S3Settings(Optional.of(server.endpoint()), Optional.empty(), true);
        try (S3Client client = settings.client()) {
            client.putObject(put -> put.bucket("models").key("la/street/7/street-7.zip"), RequestBody.fromBytes(ARTIFACT));
        }
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static ArtifactFetcher fetcher(long maxBytes) {
        return ArtifactFetcher.standard(dir.resolve("downloads"), maxBytes, Duration.ofMinutes(1), settings);
    }

    @Test
    void anS3ArtifactIsCopiedHereAndCheckedAgainstItsPublishedDigest() throws Exception {
        try (LocalArtifact local = fetcher(1 << 20).fetch("s3://models/la/street/7/street-7.zip", Sha256.of(ARTIFACT))) {
            assertThat(Files.readAllBytes(local.path())).isEqualTo(ARTIFACT);
            assertThat(local.path().getParent()).isEqualTo(dir.resolve("downloads"));
        }
    }

    @Test
    void aWrongDigestAMissingKeyAndAnOversizedObjectAreRefusedByKind() {
        assertThatThrownBy(() -> fetcher(1 << 20).fetch("s3://models/la/street/7/street-7.zip", "0".repeat(64)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CHECKSUM_MISMATCH));
        assertThatThrownBy(() -> fetcher(1 << 20).fetch("s3://models/la/street/8/street-8.zip", Sha256.of(ARTIFACT)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessageContaining("cannot be read from S3");
        assertThatThrownBy(() -> fetcher(1000).fetch("s3://models/la/street/7/street-7.zip", Sha256.of(ARTIFACT)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
    }

    @Test
    void aStoreThatIsDownIsUnreachableAndReadAgainOnceItIsBack() throws Exception {
        server.stop();
        try {
            assertThatThrownBy(() -> fetcher(1 << 20).fetch("s3://models/la/street/7/street-7.zip", Sha256.of(ARTIFACT)))
                    .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE));
        } finally {
            server.restart();
        }
        try (LocalArtifact local = fetcher(1 << 20).fetch("s3://models/la/street/7/street-7.zip", Sha256.of(ARTIFACT))) {
            assertThat(local.sha256()).isEqualTo(Sha256.of(ARTIFACT));
        }
    }
}
