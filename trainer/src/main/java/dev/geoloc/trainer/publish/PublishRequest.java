package dev.geoloc.trainer.publish;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Objects;

import dev.geoloc.schemas.EvaluationMetrics;

/**
 * What to publish.
 *
 * @param bundle    a bundle directory or zip archive
 * @param modelName the model line, or null for the bundle's own {@code model_name}
 * @param metrics   the evaluation to publish with, or null for the bundle's {@code metrics}
 * @param force     publish even if the quality gate refuses
 * @param notes     free text for the record, or null
 * @param signingKey an Ed25519 key to sign the version with, or null to publish it unsigned
 */
public record PublishRequest(Path bundle, String modelName, EvaluationMetrics metrics, boolean force, String notes,
                             PrivateKey signingKey) {

    public PublishRequest {
        Objects.requireNonNull(bundle, "bundle");
    }
}
