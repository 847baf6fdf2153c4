package dev.geoloc.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.model.Sha256;

class DirectoryModelStoreTest {

    @TempDir
    Path dir;
    private DirectoryModelStore store;
    private Path archive;

    @BeforeEach
    void setUp() throws IOException {
        store = new DirectoryModelStore(dir.resolve("store"));
        archive = Files.write(dir.resolve("bundle.zip"), new byte[] {1, 2, 3, 4, 5});
    }

    @Test
    void storesEachVersionUnderItsOwnDirectoryWithAFileUri() throws IOException {
        StoredArtifact stored = store.put(archive, "la-street", 1);

        Path expected = dir.resolve("store/la-street/1/la-street-1.zip").toAbsolutePath();
        assertThat(expected).hasSameBinaryContentAs(archive);
        assertThat(stored.uri()).isEqualTo(expected.toUri());
        assertThat(stored.uri().getScheme()).isEqualTo("file");
        assertThat(stored.sha256()).isEqualTo(Sha256.of(archive));
        assertThat(stored.bytes()).isEqualTo(5);
        try (InputStream in = store.open(stored.uri())) {
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3, 4, 5);
        }
        assertThat(store.versions("la-street")).containsExactly(1);
    }

    @Test
    void neverReplacesAStoredVersion() throws IOException {
        store.put(archive, "la-street", 1);
        Path other = Files.write(dir.resolve("other.zip"), new byte[] {9, 9});

        assertThatThrownBy(() -> store.put(other, "la-street", 1))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("version 1 of la-street is already in the store");

        assertThat(store.archivePath("la-street", 1)).hasSameBinaryContentAs(archive);
        assertThat(Files.getPosixFilePermissions(store.archivePath("la-street", 1)))
                .as("read-only, even where root would still be allowed to write").doesNotContain(PosixFilePermission.OWNER_WRITE);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aFailedCopyLeavesNoVersionAndNoPartialFile() throws IOException {
        assertThatThrownBy(() -> store.put(dir.resolve("missing.zip"), "la-street", 1))
                .isInstanceOf(NoSuchFileException.class);

        assertThat(store.versions("la-street")).isEmpty();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void theHighestVersionCountsEveryStoredVersion() throws IOException {
        assertThat(store.highestVersion("la-street")).isZero();
        store.put(archive, "la-street", 1);
        store.put(archive, "la-street", 3);
        store.put(archive, "other-model", 7);

        assertThat(store.versions("la-street")).containsExactly(1, 3);
        assertThat(store.highestVersion("la-street")).isEqualTo(3);
    }

    @Test
    void refusesNamesThatAreNotPlainPathSegments() {
        for (String name : new String[] {"../escape", "a/b", "", ".hidden", "with space"}) {
            assertThatThrownBy(() -> store.put(archive, name, 1)).as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("model name");
        }
        assertThatThrownBy(() -> store.put(archive, "la-street", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void opensOnlyItsOwnFiles() {
        assertThatThrownBy(() -> store.open(archive.toUri()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the store");
        assertThatThrownBy(() -> store.open(URI.create("https://models.example.com/la-street/1.zip")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a file:// URI");
    }

    /** Files in the model directory other than version directories. */
    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("store/la-street"))) {
            return files.filter(p -> !p.getFileName().toString().matches("\\d+")).toList();
        }
    }
}
