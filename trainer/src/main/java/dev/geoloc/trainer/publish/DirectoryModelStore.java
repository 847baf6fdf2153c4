package dev.geoloc.trainer.publish;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.geoloc.model.Sha256;

/**
 * A {@link ModelStore} in a directory, local or mounted (NFS, a Kubernetes volume):
 * {@code <root>/<model>/<version>/<model>-<version>.zip}, addressed by {@code file://} URIs.
 *
 * <p>Writing is atomic: the archive is copied to a hidden temporary file beside the version directories
 * and synced, then moved into place with one rename, so a reader never sees half an archive. Creating the
 * version directory claims the version: the operating system lets only one creator succeed, so two
 * publishers that picked the same number cannot both store it, and nothing is ever overwritten.
 */
public final class DirectoryModelStore implements ModelStore {

    private final Path root;

    public DirectoryModelStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Where {@code version} of {@code modelName} is, or would be, stored. */
    public Path archivePath(String modelName, int version) {
        ModelStore.checkModelName(modelName);
        return root.resolve(modelName).resolve(Integer.toString(version)).resolve(modelName + "-" + version + ".zip");
    }

    @Override
    public StoredArtifact put(Path archive, String modelName, int version) throws IOException {
        if (version < 1) {
            throw new IllegalArgumentException("version " + version + " must be at least 1");
        }
        Path target = archivePath(modelName, version);
        Path modelDirectory = Files.createDirectories(target.getParent().getParent());
        Path partial = Files.createTempFile(modelDirectory, "." + target.getFileName() + ".", ".partial");
        try {
            Files.copy(archive, partial, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            String sha256 = Sha256.of(partial);
            long bytes = Files.size(partial);
            try {
                Files.createDirectory(target.getParent());
            } catch (FileAlreadyExistsException e) {
                throw new FileAlreadyExistsException(target.getParent().toString(), null, "version " + version
                        + " of " + modelName + " is already in the store; stored versions are never replaced");
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            // Read-only as a reminder to people with a shell: a stored version is what its record's sha256 pins.
            target.toFile().setReadOnly();
            return new StoredArtifact(target.toUri(), sha256, bytes);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    @Override
    public InputStream open(URI artifact) throws IOException {
        if (!"file".equals(artifact.getScheme())) {
            throw new IllegalArgumentException(artifact + " is not a file:// URI of this store");
        }
        Path file = Path.of(artifact).normalize();
        if (!file.startsWith(root)) {
            throw new IllegalArgumentException(artifact + " is outside the store at " + root);
        }
        return Files.newInputStream(file);
    }

    @Override
    public SortedSet<Integer> versions(String modelName) throws IOException {
        Path modelDirectory = root.resolve(ModelStore.checkModelName(modelName));
        SortedSet<Integer> versions = new TreeSet<>();
        if (!Files.isDirectory(modelDirectory)) {
            return versions;
        }
        try (Stream<Path> entries = Files.list(modelDirectory)) {
            entries.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> name.matches("[1-9][0-9]{0,8}"))
                    .forEach(name -> versions.add(Integer.parseInt(name)));
        }
        return versions;
    }
}
