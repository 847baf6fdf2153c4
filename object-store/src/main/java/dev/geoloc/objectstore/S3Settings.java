package dev.geoloc.objectstore;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * How to reach an object store: AWS S3 by default, with the SDK's default credential chain (environment, system
 * properties, profile, web identity as IRSA and workload identity give it, container and instance roles) and its
 * default region chain; or any S3-compatible server (MinIO, Ceph, S3Proxy, ...) by its endpoint.
 *
 * @param endpoint  an S3-compatible server's URL; empty for AWS S3 itself
 * @param region    the signing region; empty for the SDK's default chain (us-east-1 with an endpoint, where the
 *                  region is mostly nominal)
 * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}: what most
 *                  S3-compatible servers on a bare host name or an IP address need
 */
public record S3Settings(Optional<URI> endpoint, Optional<String> region, boolean pathStyle) {

    public static final S3Settings AWS = new S3Settings(Optional.empty(), Optional.empty(), false);

    /**
     * A client for these settings; close it when done. Checksums are computed and checked only where the S3 API
     * requires them: the SDK's newer default (a trailing CRC on every upload) is refused by many S3-compatible
     * servers, and the artifacts carry their own SHA-256, which every reader checks.
     */
    public S3Client client() {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)).build())
                .forcePathStyle(pathStyle)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        endpoint.ifPresent(builder::endpointOverride);
        region.or(() -> endpoint.map(e -> Region.US_EAST_1.id())).map(Region::of).ifPresent(builder::region);
        return builder.build();
    }
}
