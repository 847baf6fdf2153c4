package dev.geoloc.processor.artifacts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An artifact as a local file, for as long as a version loads; {@link #close()} deletes it if it was a download.
 *
 * @param downloaded whether {@code path} is a copy made for this load (deleted on close), not the store's own file
 */
public record LocalArtifact(Path path, boolean downloaded) implements AutoCloseable {

    @Override
    public void close() throws IOException {
        if (downloaded) {
            Files.deleteIfExists(path);
        }
    }
}
