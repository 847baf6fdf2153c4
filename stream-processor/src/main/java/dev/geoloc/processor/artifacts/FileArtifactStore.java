package dev.geoloc.processor.artifacts;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import dev.geoloc.processor.versions.RejectionKind;
import dev.geoloc.processor.versions.VersionRejectedException;

/** {@code file://} artifacts, read where they are: the trainer's directory store on a volume both can see. */
public final class FileArtifactStore implements ArtifactStore {

    @Override
    public Set<String> schemes() {
        return Set.of("file");
    }

    @Override
    public LocalArtifact fetch(URI uri) throws VersionRejectedException {
        Path path;
        try {
            path = Path.of(uri);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + ArtifactUris.shown(uri)
                    + " is not a local file path: " + e.getMessage());
        }
        if (!Files.isReadable(path)) {
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + ArtifactUris.shown(uri)
                    + " does not exist or cannot be read here");
        }
        return new LocalArtifact(path, false);
    }
}
