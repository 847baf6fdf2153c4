package dev.geoloc.processor.artifacts;

import java.net.URI;
import java.util.Set;

/**
 * Where published artifacts come from, for the URI schemes it names. {@link FileArtifactStore} reads
 * {@code file://} paths (a shared volume), {@link HttpArtifactStore} downloads {@code http(s)://} ones (pre-signed
 * links among them), and {@link S3ArtifactStore} reads {@code s3://} objects with this processor's credentials;
 * another object store ({@code gs://}) is one more implementation given to {@link ArtifactFetcher}. Each copies what it reads into the
 * downloads directory and hashes it in the same pass; comparing that hash with the published one is the fetcher's job.
 */
public interface ArtifactStore {

    /** The URI schemes it fetches, in lower case. */
    Set<String> schemes();

    /**
     * Brings the artifact at {@code uri} here, as a private copy.
     *
     * @throws ArtifactException when it cannot: of kind {@link ArtifactException.Kind#UNREACHABLE} when trying
     *                           again later may succeed
     */
    LocalArtifact fetch(URI uri) throws ArtifactException;
}
