package dev.geoloc.processor.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.model.Sha256;
import dev.geoloc.objectstore.S3Settings;
import dev.geoloc.processor.artifacts.ArtifactException.Kind;
import dev.geoloc.processor.versions.RejectionKind;

/**
 * {@code file://} artifacts from real files, pipes and devices: copied privately and hashed in one pass, under the
 * same cap and timeout as a download, and refused before opening anything that is not a regular file.
 */
class FileArtifactStoreTest {

    private static final byte[] BUNDLE = "the zip the trainer published".getBytes();

    @TempDir
    Path dir;

    private ArtifactFetcher fetcher(long maxBytes, Duration timeout) {
        return ArtifactFetcher.standard(dir.resolve("downloads"), maxBytes, timeout, S3Settings.AWS);
    }

    @Test
    void whatLoadsIsAPrivateCopyOfTheBytesHashedNotTheStoresFile() throws Exception {
        Path published = Files.write(Files.createDirectories(dir.resolve("store/la-street/3")).resolve("la-street-3.zip"), BUNDLE);

        LocalArtifact local = fetcher(1 << 20, Duration.ofMinutes(1)).fetch(published.toUri().toString(), Sha256.of(BUNDLE));
        Files.write(published, "replaced after it was checked".getBytes());

        assertThat(local.path()).isNotEqualTo(published).hasParent(dir.resolve("downloads"));
        assertThat(Files.getPosixFilePermissions(local.path()))
                .containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readAllBytes(local.path())).as("what was checked, not what is there now").isEqualTo(BUNDLE);
        local.close();
        assertThat(local.path()).doesNotExist();
        assertThat(published).as("the store's own file stays").exists();
    }

    @Test
    void devZeroIsRefusedAtOnceAsNotARegularFile() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                () -> fetcher(1 << 20, Duration.ofMinutes(1)).fetch("file:///dev/zero", Sha256.of(BUNDLE)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessage("artifact file:///dev/zero is a device, FIFO or socket, not a regular file; "
                        + "an artifact is a bundle's zip"), "/dev/zero never ends");
    }

    @Test
    void aFifoIsRefusedWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("7.zip");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                () -> fetcher(1 << 20, Duration.ofMinutes(1)).fetch(fifo.toUri().toString(), Sha256.of(BUNDLE)))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("is a device, FIFO or socket, not a regular file"),
                "opening a FIFO waits for a writer that never comes");
    }

    @Test
    void aFileOverTheCapIsRefusedForGoodWithoutACopy() throws Exception {
        Path published = Files.write(dir.resolve("big.zip"), new byte[2048]);

        assertThatThrownBy(() -> fetcher(1024, Duration.ofMinutes(1)).fetch(published.toUri().toString(),
                Sha256.of(new byte[2048])))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(RejectionKind.of(e.kind()))
                        .isEqualTo(RejectionKind.ARTIFACT_TOO_LARGE))
                .hasMessageContaining("is 2048 bytes, over geoloc.model.max-artifact-bytes (1024)");
        assertThat(dir.resolve("downloads")).doesNotExist();
    }

    @Test
    void aFileThatOutlastsTheTimeoutIsCutOffAndLeavesNoFile() throws Exception {
        Path published = dir.resolve("slow.zip");
        try (RandomAccessFile sparse = new RandomAccessFile(published.toFile(), "rw")) {
            sparse.setLength(256L << 20); // far more than a millisecond's copying and hashing
        }

        // Cut off while opening or while copying, whichever the millisecond ends in
        assertThatThrownBy(() -> fetcher(1L << 30, Duration.ofMillis(1)).fetch(published.toUri().toString(),
                Sha256.of(BUNDLE)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessageContaining("did not finish within PT0.001S (geoloc.model.download-timeout)");
        if (Files.exists(dir.resolve("downloads"))) {
            try (var left = Files.list(dir.resolve("downloads"))) {
                assertThat(left).isEmpty();
            }
        }
    }

    @Test
    void anOpenThatNeverReturnsIsCutOffAtTheTimeout() throws Exception {
        // Given a FIFO that no one writes to, put where a regular file was after its attributes were checked
        Path fifo = dir.resolve("8.zip");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        ArtifactCopier copier = new ArtifactCopier(dir.resolve("downloads"), 1 << 20, Duration.ofMillis(500));

        // When it is opened to be copied, then the open is given up at the timeout, and the follower thread goes on
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                () -> copier.open(fifo.toUri(), () -> Files.newInputStream(fifo)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessage("artifact " + fifo.toUri() + " did not finish within PT0.5S "
                        + "(geoloc.model.download-timeout): opening it did not return (a volume that does not answer, "
                        + "or a FIFO in the artifact's place)"),
                "opening a FIFO waits for a writer that never comes");
        // and while that open is still waiting, the artifact is not opened again, which would leave a second thread
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThatThrownBy(
                () -> copier.open(fifo.toUri(), () -> Files.newInputStream(fifo)))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("is not opened again: opening it last time did not return within PT0.5S"));
        // and the open left behind is still waiting: a writer's open returns at once, ending it too
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Files.newOutputStream(fifo).close(),
                "no reader is waiting on the FIFO");
    }

    @Test
    void aMissingFileIsUnreachable() {
        assertThatThrownBy(() -> fetcher(1 << 20, Duration.ofMinutes(1)).fetch(dir.resolve("gone.zip").toUri().toString(),
                Sha256.of(BUNDLE)))
                .isInstanceOfSatisfying(ArtifactException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessageContaining("does not exist");
    }
}
