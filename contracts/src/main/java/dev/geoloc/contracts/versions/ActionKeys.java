package dev.geoloc.contracts.versions;

import java.security.PublicKey;
import java.util.List;

import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;

/**
 * The public keys a reader of the model-versions topic trusts. Publishers' keys verify every action. Rollback
 * keys verify only withdrawals of the canary in service ({@link RolloutState} checks which version): a processor
 * that may stop a failing canary on its own holds such a key, which can neither make a version serve nor take the
 * stable one out of service.
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

    /** Whose key signed a record's action, as far as these keys tell. */
    public enum Signer {
        /** A publisher's: any action. */
        PUBLISHER,
        /** Only a rollback key's, on a withdrawal: acted on only if it withdraws the canary in service. */
        ROLLBACK,
        /** No trusted key's, or a rollback key's on anything but a withdrawal. */
        NONE
    }

    /** Which trusted key signed {@code record}'s action; {@link Signer#NONE} when none did. */
    public Signer signer(ModelVersion record) {
        if (publishers.stream().anyMatch(key -> RolloutSignatures.verify(key, record))) {
            return Signer.PUBLISHER;
        }
        return record.getRole() == RolloutRole.WITHDRAWN
                && rollbackers.stream().anyMatch(key -> RolloutSignatures.verify(key, record)) ? Signer.ROLLBACK : Signer.NONE;
    }
}
