package dev.geoloc.trainer.publish;

import java.util.Objects;

import dev.geoloc.contracts.versions.ActionKeys;

/**
 * The keys a command reads the model-versions topic with, and where they came from, for its messages.
 *
 * @param keys   what records are verified with; {@link ActionKeys#UNSIGNED} to count every record
 * @param source the option they came from ({@code --verify-key}, or {@code the public half of --signing-key}); null
 *               when nothing is verified
 */
public record TopicKeys(ActionKeys keys, String source) {

    /** Nothing is verified: every record counts, as for processors with geoloc.model.allow-unsigned=true. */
    public static final TopicKeys UNSIGNED = new TopicKeys(ActionKeys.UNSIGNED, null);

    public TopicKeys {
        Objects.requireNonNull(keys, "keys");
        if (keys.required() != (source != null)) {
            throw new IllegalArgumentException("keys that verify say where they came from, and only they do");
        }
    }

    /** Whether records must carry a signature one of the keys verifies. */
    public boolean verified() {
        return keys.required();
    }

    /** Whether a withdrawal that a processor's rollback key signed is verified too ({@code --rollback-verify-key}). */
    boolean rollbacksVerified() {
        return !keys.rollbackers().isEmpty();
    }
}
