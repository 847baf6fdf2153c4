package dev.geoloc.processor.artifacts;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.geoloc.model.Sha256;
import dev.geoloc.processor.versions.RejectionKind;
import dev.geoloc.processor.versions.VersionRejectedException;

/**
 * Brings a published artifact to a local file through the {@link ArtifactStore} of its URI's scheme, and checks
 * it is the one published: its SHA-256 must match the record's, whichever store it came from.
 */
public final class ArtifactFetcher {

    private final Map<String, ArtifactStore> stores = new TreeMap<>();

    public ArtifactFetcher(List<ArtifactStore> stores) {
        for (ArtifactStore store : stores) {
            store.schemes().forEach(scheme -> this.stores.put(scheme.toLowerCase(Locale.ROOT), store));
        }
    }

    /** The stores a processor has: files and http(s). */
    public static ArtifactFetcher standard(java.nio.file.Path downloads, long maxBytes, java.time.Duration downloadTimeout) {
        return new ArtifactFetcher(List.of(new FileArtifactStore(), new HttpArtifactStore(downloads, maxBytes, downloadTimeout)));
    }

    public LocalArtifact fetch(String artifactUri, String expectedSha256) throws VersionRejectedException {
        URI uri;
        try {
            uri = URI.create(artifactUri);
        } catch (IllegalArgumentException e) {
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact_uri "
                    + ArtifactUris.shown(artifactUri) + " is not a URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        ArtifactStore store = stores.get(scheme);
        if (store == null) {
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + ArtifactUris.shown(uri)
                    + " has scheme '" + scheme + "'; this processor fetches " + String.join(", ", stores.keySet()));
        }
        LocalArtifact local = store.fetch(uri);
        try {
            String actual = Sha256.of(local.path());
            if (!actual.equalsIgnoreCase(expectedSha256)) {
                throw new VersionRejectedException(RejectionKind.CHECKSUM_MISMATCH, "artifact " + ArtifactUris.shown(uri)
                        + " has sha256 " + actual + ", but the version was published with " + expectedSha256);
            }
            return local;
        } catch (IOException | VersionRejectedException | RuntimeException e) {
            closeQuietly(local);
            if (e instanceof VersionRejectedException rejected) {
                throw rejected;
            }
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "artifact " + ArtifactUris.shown(uri)
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(LocalArtifact local) {
        try {
            local.close();
        } catch (IOException ignored) {
            // a leftover temporary file, nothing more
        }
    }
}
