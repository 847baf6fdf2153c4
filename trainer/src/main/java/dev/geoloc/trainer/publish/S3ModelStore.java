package dev.geoloc.trainer.publish;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.geoloc.model.Sha256;
import dev.geoloc.objectstore.S3Uri;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A {@link ModelStore} in an S3 bucket (or any S3-compatible store), below a prefix:
 * {@code s3://bucket/prefix/<model>/<version>/<model>-<version>.zip}, addressed by {@code s3://} URIs that
 * processors fetch with their own credentials. An object is written whole or not at all (S3's PUT), and a version is
 * never replaced: the PUT is conditional on the key being absent ({@code If-None-Match: *}), after a HEAD that also
 * tells stores which ignore the condition.
 */
public final class S3ModelStore implements ModelStore {

    private final S3Client s3;
    private final S3Uri root;

    public S3ModelStore(S3Client s3, S3Uri root) {
        this.s3 = s3;
        this.root = root;
    }

    /** Where {@code version} of {@code modelName} is, or would be, stored. */
    public S3Uri archiveUri(String modelName, int version) {
        ModelStore.checkModelName(modelName);
        return root.resolve(modelName + "/" + version + "/" + modelName + "-" + version + ".zip");
    }

    @Override
    public StoredArtifact put(Path archive, String modelName, int version) throws IOException {
        if (version < 1) {
            throw new IllegalArgumentException("version " + version + " must be at least 1");
        }
        S3Uri target = archiveUri(modelName, version);
        String sha256 = Sha256.of(archive);
        long bytes = Files.size(archive);
        try {
            if (exists(target)) {
                throw alreadyStored(target, modelName, version);
            }
            s3.putObject(put -> put.bucket(target.bucket()).key(target.key()).ifNoneMatch("*")
                    .contentType("application/zip").metadata(Map.of("sha256", sha256)), RequestBody.fromFile(archive));
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw alreadyStored(target, modelName, version);
            }
            throw failed("storing", target, e);
        } catch (SdkException e) {
            throw failed("storing", target, e);
        }
        return new StoredArtifact(target.toUri(), sha256, bytes);
    }

    private boolean exists(S3Uri object) {
        try {
            s3.headObject(head -> head.bucket(object.bucket()).key(object.key()));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static FileAlreadyExistsException alreadyStored(S3Uri target, String modelName, int version) {
        return new FileAlreadyExistsException(target.toString(), null, "version " + version + " of " + modelName
                + " is already in the store; stored versions are never replaced");
    }

    private static IOException failed(String doing, S3Uri object, SdkException e) {
        return new IOException(doing + " " + object + " failed: " + e.getMessage(), e);
    }

    @Override
    public InputStream open(URI artifact) throws IOException {
        S3Uri object = S3Uri.parse(artifact);
        if (!object.bucket().equals(root.bucket()) || !object.key().startsWith(root.resolve("").key())) {
            throw new IllegalArgumentException(artifact + " is outside the store at " + root);
        }
        try {
            return s3.getObject(get -> get.bucket(object.bucket()).key(object.key()));
        } catch (SdkException e) {
            throw failed("reading", object, e);
        }
    }

    @Override
    public SortedSet<Integer> versions(String modelName) throws IOException {
        S3Uri model = root.resolve(ModelStore.checkModelName(modelName) + "/");
        SortedSet<Integer> versions = new TreeSet<>();
        try {
            s3.listObjectsV2Paginator(list -> list.bucket(model.bucket()).prefix(model.key()).delimiter("/"))
                    .commonPrefixes().stream()
                    .map(CommonPrefix::prefix)
                    .map(prefix -> prefix.substring(model.key().length(), prefix.length() - 1))
                    .filter(name -> name.matches("[1-9][0-9]{0,8}"))
                    .forEach(name -> versions.add(Integer.parseInt(name)));
        } catch (SdkException e) {
            throw failed("listing", model, e);
        }
        return versions;
    }
}
