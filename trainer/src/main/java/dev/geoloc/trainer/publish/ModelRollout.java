package dev.geoloc.trainer.publish;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.geoloc.contracts.versions.Refusal;
import dev.geoloc.contracts.versions.RolloutState;
import dev.geoloc.schemas.ModelVersion;

/**
 * One model's records on the model-versions topic, folded as processors with the command's keys fold them.
 *
 * @param state                    what serves, by the records acted on
 * @param refusals                 the records not acted on, in topic order
 * @param verified                 whether signatures were verified ({@code --verify-key}, or the public half of
 *                                 {@code --signing-key}); if not, every signed or unsigned record counted, as for
 *                                 processors that follow unsigned actions
 * @param unverifiableWithdrawals  by version, the highest sequence of a signed withdrawal of the canary in service
 *                                 that no key of the command verified, while it had no rollback key: perhaps a
 *                                 processor's automatic rollback, which processors with their rollback key act on
 */
record ModelRollout(RolloutState state, List<Refusal> refusals, boolean verified,
                    Map<Integer, Long> unverifiableWithdrawals) {

    ModelRollout {
        refusals = List.copyOf(refusals);
        unverifiableWithdrawals = Map.copyOf(unverifiableWithdrawals);
    }

    /**
     * The sequence of a withdrawal of {@code version} that this fold could not verify, and that came after the record
     * {@code version} serves by: processors holding the rollback key may have taken it out of service.
     */
    Optional<Long> unverifiableWithdrawal(int version) {
        Long withdrawn = unverifiableWithdrawals.get(version);
        long servesBy = state.find(version).map(ModelVersion::getSequence).orElse(0L);
        return withdrawn != null && withdrawn > servesBy ? Optional.of(withdrawn) : Optional.empty();
    }

    /**
     * For a command that found nothing to act on: {@code ; 1 record of la-street on the topic was not acted on
     * (versions --verify-key lists it, with why)}, or nothing when every record was.
     */
    String refusedNote() {
        if (refusals.isEmpty()) {
            return "";
        }
        boolean one = refusals.size() == 1;
        return "; " + refusals.size() + (one ? " record" : " records") + " of " + state.modelName() + " on the topic "
                + (one ? "was" : "were") + " not acted on (versions" + (verified ? " --verify-key" : "") + " lists "
                + (one ? "it" : "them") + ", with why)";
    }
}
