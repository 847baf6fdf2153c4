package dev.geoloc.trainer.publish;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import dev.geoloc.objectstore.S3Settings;
import dev.geoloc.objectstore.S3Uri;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where model archives are stored: a directory (a volume processors mount) or an S3 prefix, which processors fetch
 * with their own credentials. S3 credentials come from the AWS SDK's default chain (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, a profile, IRSA's web identity, an instance role), never from an option.
 */
public final class StoreOptions {

    @Option(names = "--store", paramLabel = "DIR|s3://BUCKET/PREFIX", defaultValue = "model-store",
            description = "Model store: a directory, or an S3 bucket and prefix (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "An S3-compatible server's URL (MinIO, Ceph, S3Proxy, ...); default: AWS S3.")
    URI s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION",
            description = "S3 signing region (default: the SDK's chain, AWS_REGION; us-east-1 with --s3-endpoint).")
    String s3Region;

    @Option(names = "--s3-path-style",
            description = "Address buckets as http://host/bucket, as most S3-compatible servers need.")
    boolean s3PathStyle;

    /**
     * An open store; close it when done.
     *
     * @throws InvalidPublishInputException for an s3:// store that is not a bucket and prefix
     * @throws software.amazon.awssdk.core.exception.SdkClientException when no S3 client can be made (no region)
     */
    StoreHandle open() {
        if (store.startsWith(S3Uri.SCHEME + "://")) {
            S3Uri root;
            try {
                root = S3Uri.parse(store);
            } catch (IllegalArgumentException e) {
                throw new InvalidPublishInputException("--store " + e.getMessage());
            }
            S3Client client = new S3Settings(Optional.ofNullable(s3Endpoint), Optional.ofNullable(s3Region), s3PathStyle)
                    .client();
            return new StoreHandle(new S3ModelStore(client, root), client::close);
        }
        return new StoreHandle(new DirectoryModelStore(Path.of(store)), () -> { });
    }

    /** A store and what closing it takes. */
    record StoreHandle(ModelStore store, Runnable closing) implements AutoCloseable {
        @Override
        public void close() {
            closing.run();
        }
    }
}
