package dev.geoloc.trainer.publish;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.regex.Pattern;

import dev.geoloc.contracts.versions.ModelVersionKey;

/**
 * Where published model bundles live, one immutable archive per model name and version. A
 * {@code ModelVersion} record points at an archive by the URI that {@link #put} returns, so processors
 * fetch it without knowing the store: a directory gives {@code file://} URIs ({@link DirectoryModelStore}), an S3
 * bucket {@code s3://} ones ({@link S3ModelStore}).
 */
public interface ModelStore {

    /** Model names are directory names, object keys and URL path segments: characters safe in all three. */
    Pattern MODEL_NAME = ModelVersionKey.MODEL_NAME;

    /**
     * Stores a copy of {@code archive} as {@code version} of {@code modelName}. Either the whole archive is
     * stored or nothing is, and a version once stored is never replaced.
     *
     * @throws java.nio.file.FileAlreadyExistsException if the store already has that version
     */
    StoredArtifact put(Path archive, String modelName, int version) throws IOException;

    /** Reads an archive by the URI {@link #put} returned. */
    InputStream open(URI artifact) throws IOException;

    /** The versions of {@code modelName} in the store, including any whose publishing failed after storing. */
    SortedSet<Integer> versions(String modelName) throws IOException;

    /** The highest stored version of {@code modelName}, 0 when there is none. */
    default int highestVersion(String modelName) throws IOException {
        SortedSet<Integer> versions = versions(modelName);
        return versions.isEmpty() ? 0 : versions.last();
    }

    /** Returns {@code name} if it matches {@link #MODEL_NAME}; throws otherwise. */
    static String checkModelName(String name) {
        if (name == null || !MODEL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name '" + name + "' must be 1 to 100 letters, digits, '.', '_' "
                    + "or '-', starting with a letter or digit");
        }
        return name;
    }
}
