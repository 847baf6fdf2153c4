package dev.geoloc.trainer.publish;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Objects;

import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.RolloutRole;

/**
 * What to publish.
 *
 * @param bundle         a bundle directory or zip archive
 * @param modelName      the model line, or null for the bundle's own {@code model_name}
 * @param metrics        the evaluation to publish with, or null for the bundle's {@code metrics}
 * @param force          publish even if the quality gate refuses
 * @param notes          free text for the record, or null
 * @param role           what the new version does: STABLE, or CANARY or SHADOW beside the stable version
 * @param trafficPercent a canary's share of the images, 1 to 99; 0 for the other roles
 * @param signingKey     an Ed25519 key to sign the action with, or null to publish it unsigned
 */
public record PublishRequest(Path bundle, String modelName, EvaluationMetrics metrics, boolean force, String notes,
                             RolloutRole role, int trafficPercent, PrivateKey signingKey) {

    public PublishRequest {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(role, "role");
        if (role != RolloutRole.STABLE && role != RolloutRole.CANARY && role != RolloutRole.SHADOW) {
            throw new IllegalArgumentException("a new version is published as STABLE, CANARY or SHADOW, not " + role);
        }
        if (role == RolloutRole.CANARY ? trafficPercent < 1 || trafficPercent > 99 : trafficPercent != 0) {
            throw new IllegalArgumentException("a canary's share is 1 to 99 %, and only a canary has one: " + role
                    + " at " + trafficPercent + " %");
        }
    }
}
