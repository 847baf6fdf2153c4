package dev.geoloc.trainer.publish;

import java.io.PrintWriter;
import java.util.Locale;

import dev.geoloc.contracts.versions.RolloutState;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;

/**
 * A rollout action as sent, acknowledged by every in-sync replica.
 *
 * @param after what serves once processors act on it
 */
public record SentAction(ModelVersion record, String topic, int partition, long offset, RolloutState after) {

    /** The lines every command that sends an action prints under its headline. */
    void print(PrintWriter out) {
        out.println("  action:   " + describe(record) + ", sequence " + record.getSequence() + ", "
                + (record.getSignature() == null ? "unsigned" : "signed"));
        out.println("  artifact: " + record.getArtifactUri());
        out.println("  sha256:   " + record.getSha256());
        out.println("  record:   " + topic + " partition " + partition + ", offset " + offset);
        out.println("  now:      " + after.describe());
    }

    /** {@code stable}, {@code canary at 10 %}, {@code shadow}, {@code withdrawn}. */
    static String describe(ModelVersion record) {
        String role = record.getRole().name().toLowerCase(Locale.ROOT);
        return record.getRole() == RolloutRole.CANARY ? role + " at " + record.getTrafficPercent() + " %" : role;
    }
}
