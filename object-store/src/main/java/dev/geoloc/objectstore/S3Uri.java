package dev.geoloc.objectstore;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An object, or a prefix, as {@code s3://bucket/key}: the form model artifacts are published and fetched by, so that
 * a record names its object, not a pre-signed link that expires or an endpoint that moves.
 *
 * @param key without a leading slash; empty for the bucket's root
 */
public record S3Uri(String bucket, String key) {

    public static final String SCHEME = "s3";

    public S3Uri {
        if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("'" + bucket + "' is not an S3 bucket name (3 to 63 lower-case letters, "
                    + "digits, '.' or '-')");
        }
        if (key.startsWith("/")) {
            throw new IllegalArgumentException("an object key does not start with '/': " + key);
        }
    }

    /** @throws IllegalArgumentException for a URI that is not {@code s3://bucket[/key]} */
    public static S3Uri parse(URI uri) {
        if (uri.getScheme() == null || !SCHEME.equals(uri.getScheme().toLowerCase(Locale.ROOT)) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getUserInfo() != null) {
            throw new IllegalArgumentException(uri + " is not s3://bucket/key");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        return new S3Uri(uri.getHost(), path.startsWith("/") ? path.substring(1) : path);
    }

    public static S3Uri parse(String uri) {
        try {
            return parse(new URI(uri));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(uri + " is not s3://bucket/key: " + e.getMessage(), e);
        }
    }

    /** The key below this prefix, joined by one slash. */
    public S3Uri resolve(String child) {
        return new S3Uri(bucket, key.isEmpty() || key.endsWith("/") ? key + child : key + "/" + child);
    }

    public URI toUri() {
        return URI.create(SCHEME + "://" + bucket + "/" + key);
    }

    @Override
    public String toString() {
        return toUri().toString();
    }
}
