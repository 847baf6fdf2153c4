package dev.geoloc.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.model.Sha256;
import dev.geoloc.objectstore.S3Settings;
import dev.geoloc.objectstore.S3Uri;
import dev.geoloc.stack.LocalObjectStore;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 model store against a real S3-compatible server (S3Proxy, started by the test). */
class S3ModelStoreTest {

    @TempDir
    static Path dir;
    private static LocalObjectStore server;
    private static S3Client client;
    private static S3ModelStore store;

    @BeforeAll
    static void startServer() {
        server = LocalObjectStore.start(dir.resolve("s3"));
        server.createBucket("models");
        // The SDK's default chain, as in production: here its system properties.
        System.setProperty("aws.accessKeyId", LocalObjectStore.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", LocalObjectStore.SECRET_KEY);
        client = new S3Settings(Optional.of(server.endpoint()), Optional.empty(), true).client();
        store = new S3ModelStore(client, S3Uri.parse("s3://models/la"));
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.close();
    }

    private static Path archive(String name, int size) throws Exception {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + name.hashCode());
        }
        return Files.write(dir.resolve(name + ".zip"), bytes);
    }

    @Test
    void aStoredVersionIsReadBackByItsUriWithItsDigest() throws Exception {
        Path archive = archive("street-a", 300_000);

        StoredArtifact stored = store.put(archive, "street-a", 1);

        assertThat(stored.uri()).isEqualTo(URI.create("s3://models/la/street-a/1/street-a-1.zip"));
        assertThat(stored.sha256()).isEqualTo(Sha256.of(archive));
        assertThat(stored.bytes()).isEqualTo(300_000);
        try (InputStream in = store.open(stored.uri())) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(archive));
        }
    }

    @Test
    void aVersionIsNeverReplaced() throws Exception {
        store.put(archive("street-b", 1000), "street-b", 1);

        assertThatThrownBy(() -> store.put(archive("street-b-other", 2000), "street-b", 1))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("never replaced");
        try (InputStream in = store.open(store.archiveUri("street-b", 1).toUri())) {
            assertThat(in.readAllBytes()).hasSize(1000);
        }
    }

    @Test
    void theVersionsOfAModelAreListedFromItsKeys() throws Exception {
        store.put(archive("street-c", 10), "street-c", 1);
        store.put(archive("street-c", 10), "street-c", 2);
        store.put(archive("street-c", 10), "street-c", 10);
        store.put(archive("street-cd", 10), "street-cd", 7); // a name that shares its prefix

        assertThat(store.versions("street-c")).containsExactly(1, 2, 10);
        assertThat(store.highestVersion("street-none")).isZero();
    }

    @Test
    void anArchiveOutsideTheStoreIsNotOpened() {
        assertThatThrownBy(() -> store.open(URI.create("s3://models/elsewhere/x-1.zip")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the store");
    }
}
