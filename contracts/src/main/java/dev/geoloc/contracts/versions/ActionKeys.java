package dev.geoloc.contracts.versions;

import java.security.PublicKey;
import java.util.List;

import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;

/**
 * The public keys a reader of the model-versions topic trusts. Publishers' keys verify every action. Rollback
 * keys verify only withdrawals: a processor that may stop a failing canary on its own holds such a key, which can
 * take a version out of service but never make one serve.
 *
 * @param publishers empty: actions are not signed, and every record is acted on (a local demo)
 */
public record ActionKeys(List<PublicKey> publishers, List<PublicKey> rollbackers) {

    /** Nothing is verified. */
    public static final ActionKeys UNSIGNED = new ActionKeys(List.of(), List.of());

    public ActionKeys {
        publishers = List.copyOf(publishers);
        rollbackers = List.copyOf(rollbackers);
        if (publishers.isEmpty() && !rollbackers.isEmpty()) {
            throw new IllegalArgumentException("rollback keys verify only alongside publishers' keys");
        }
    }

    /** Whether records must carry a signature one of these keys verifies. */
    public boolean required() {
        return !publishers.isEmpty();
    }

    /** Whether {@code record}'s action is signed by a key allowed to take it. */
    public boolean verify(ModelVersion record) {
        return publishers.stream().anyMatch(key -> RolloutSignatures.verify(key, record))
                || record.getRole() == RolloutRole.WITHDRAWN
                && rollbackers.stream().anyMatch(key -> RolloutSignatures.verify(key, record));
    }
}
