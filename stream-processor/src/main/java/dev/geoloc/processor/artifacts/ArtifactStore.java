package dev.geoloc.processor.artifacts;

import java.net.URI;
import java.util.Set;

import dev.geoloc.processor.versions.RejectionKind;
import dev.geoloc.processor.versions.VersionRejectedException;

/**
 * Where published artifacts come from, for the URI schemes it names. {@link FileArtifactStore} reads
 * {@code file://} paths (a shared volume) and {@link HttpArtifactStore} downloads {@code http(s)://} ones, which
 * covers object stores that hand out pre-signed https links; an object-storage client ({@code s3://},
 * {@code gs://}) is one more implementation given to {@link ArtifactFetcher}. Checking the artifact is the
 * fetcher's job, not the store's.
 */
public interface ArtifactStore {

    /** The URI schemes it fetches, in lower case. */
    Set<String> schemes();

    /**
     * Brings the artifact at {@code uri} to a local file.
     *
     * @throws VersionRejectedException of kind {@link RejectionKind#ARTIFACT_UNREACHABLE} when it cannot: the
     *                                  follower tries such a version again later
     */
    LocalArtifact fetch(URI uri) throws VersionRejectedException;
}
