package dev.geoloc.processor.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

import dev.geoloc.processor.artifacts.ArtifactException.Kind;

/**
 * {@code file://} artifacts: the trainer's directory store on a volume both can see. Copied as a download is, under
 * the same cap and timeout: a path can name anything, and a network volume can hang.
 */
public final class FileArtifactStore implements ArtifactStore {

    private final ArtifactCopier copier;

    FileArtifactStore(ArtifactCopier copier) {
        this.copier = copier;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public LocalArtifact fetch(URI uri) throws ArtifactException {
        Path path;
        try {
            path = Path.of(uri);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri)
                    + " is not a local file path: " + e.getMessage());
        }
        // Checking and opening both wait on the volume; each is bounded, as the copy is.
        try (InputStream in = copier.open(uri, () -> openRegularFile(uri, path))) {
            return copier.copy(uri, in);
        } catch (IOException e) {
            throw new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri) + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    private InputStream openRegularFile(URI uri, Path path) throws IOException, ArtifactException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri)
                    + " does not exist or cannot be read here", e);
        }
        // Before opening it: opening a FIFO waits for a writer, and a device never ends. One swapped in after this
        // check makes the open wait, which the copier cuts off.
        if (!attributes.isRegularFile()) {
            throw new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri) + " is "
                    + (attributes.isDirectory() ? "a directory" : "a device, FIFO or socket")
                    + ", not a regular file; an artifact is a bundle's zip");
        }
        copier.admit(uri, attributes.size());
        return Files.newInputStream(path);
    }
}
