package dev.geoloc.processor.artifacts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A private copy of an artifact, for as long as a version loads, with the SHA-256 of the bytes copied: what loads is
 * what was checked, whatever happens to the store's own file meanwhile. {@link #close()} deletes the copy.
 *
 * @param sha256 lower-case hex
 */
public record LocalArtifact(Path path, String sha256) implements AutoCloseable {

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover file in the downloads directory, nothing more
        }
    }
}
