package dev.geoloc.trainer.publish;

import java.util.Optional;

import dev.geoloc.schemas.ModelVersion;

/**
 * What the model-versions topic says about one model name.
 *
 * @param current        the model's latest record, the version processors serve now; empty when there is
 *                       none or the latest is a tombstone. It need not be the highest version: republishing
 *                       an older version rolls back.
 * @param highestVersion the highest version number among the records still on the topic, 0 when none
 */
public record PublishedVersions(Optional<ModelVersion> current, int highestVersion) {
}
