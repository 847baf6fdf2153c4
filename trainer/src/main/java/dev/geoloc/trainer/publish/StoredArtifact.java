package dev.geoloc.trainer.publish;

import java.net.URI;

/**
 * An archive as a {@link ModelStore} holds it.
 *
 * @param uri    where processors fetch it
 * @param sha256 lower-case hex SHA-256 of the stored bytes, which processors verify before loading
 * @param bytes  its size
 */
public record StoredArtifact(URI uri, String sha256, long bytes) {
}
