package dev.geoloc.processor.artifacts;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.geoloc.objectstore.S3Settings;

import dev.geoloc.processor.artifacts.ArtifactException.Kind;

/**
 * Brings a published artifact here, as a private copy, through the {@link ArtifactStore} of its URI's scheme, and
 * checks it is the one published: the SHA-256 of the bytes copied must match the record's, whichever store they
 * came from.
 */
public final class ArtifactFetcher {

    private final Map<String, ArtifactStore> stores = new TreeMap<>();

    public ArtifactFetcher(List<ArtifactStore> stores) {
        for (ArtifactStore store : stores) {
            store.schemes().forEach(scheme -> this.stores.put(scheme.toLowerCase(Locale.ROOT), store));
        }
    }

    /**
     * The stores a processor has: files, http(s) and S3, copying into {@code downloads} under the same cap and timeout.
     *
     * @param maxBytes        the largest artifact copied ({@code geoloc.model.max-artifact-bytes})
     * @param downloadTimeout the longest a copy may take ({@code geoloc.model.download-timeout})
     * @param s3              how {@code s3://} artifacts are reached ({@code geoloc.model.s3.*})
     */
    public static ArtifactFetcher standard(Path downloads, long maxBytes, Duration downloadTimeout, S3Settings s3) {
        ArtifactCopier copier = new ArtifactCopier(downloads, maxBytes, downloadTimeout);
        return new ArtifactFetcher(List.of(new FileArtifactStore(copier), new HttpArtifactStore(copier),
                new S3ArtifactStore(copier, s3)));
    }

    public LocalArtifact fetch(String artifactUri, String expectedSha256) throws ArtifactException {
        URI uri;
        try {
            uri = URI.create(artifactUri);
        } catch (IllegalArgumentException e) {
            throw new ArtifactException(Kind.UNREACHABLE, "artifact_uri " + ArtifactUris.shown(artifactUri)
                    + " is not a URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        ArtifactStore store = stores.get(scheme);
        if (store == null) {
            throw new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri) + " has scheme '"
                    + scheme + "'; this processor fetches " + String.join(", ", stores.keySet()));
        }
        LocalArtifact local = store.fetch(uri);
        if (!local.sha256().equalsIgnoreCase(expectedSha256)) {
            local.close();
            throw new ArtifactException(Kind.CHECKSUM_MISMATCH, "artifact " + ArtifactUris.shown(uri) + " has sha256 "
                    + local.sha256() + ", but the version was published with " + expectedSha256);
        }
        return local;
    }
}
