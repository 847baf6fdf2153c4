package dev.geoloc.processor.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Set;

import dev.geoloc.objectstore.S3Settings;
import dev.geoloc.objectstore.S3Uri;
import dev.geoloc.processor.artifacts.ArtifactException.Kind;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * {@code s3://bucket/key} artifacts, read with this processor's own credentials (the AWS SDK's default chain: IRSA
 * and workload identity work unchanged), so that records never carry a link that expires. The client is made at the
 * first such fetch: a processor that never meets an {@code s3://} artifact needs no region or credentials. Any
 * failure, a missing object or a refused credential too, is UNREACHABLE: tried again with back-off, as an object
 * or a role may appear later.
 */
public final class S3ArtifactStore implements ArtifactStore {

    private final ArtifactCopier copier;
    private final S3Settings settings;
    private S3Client client; // guarded by this

    S3ArtifactStore(ArtifactCopier copier, S3Settings settings) {
        this.copier = copier;
        this.settings = settings;
    }

    @Override
    public Set<String> schemes() {
        return Set.of(S3Uri.SCHEME);
    }

    @Override
    public LocalArtifact fetch(URI uri) throws ArtifactException {
        S3Uri object;
        try {
            object = S3Uri.parse(uri);
        } catch (IllegalArgumentException e) {
            throw new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri) + ": " + e.getMessage());
        }
        try (ResponseInputStream<GetObjectResponse> body = client().getObject(get -> get.bucket(object.bucket())
                .key(object.key()))) {
            Long declared = body.response().contentLength();
            if (declared != null) {
                copier.admit(uri, declared);
            }
            return copier.copy(uri, body);
        } catch (SdkException | IOException e) {
            throw new ArtifactException(Kind.UNREACHABLE, "artifact " + ArtifactUris.shown(uri)
                    + " cannot be read from S3: " + e.getMessage(), e);
        }
    }

    private synchronized S3Client client() {
        if (client == null) {
            client = settings.client();
        }
        return client;
    }
}
