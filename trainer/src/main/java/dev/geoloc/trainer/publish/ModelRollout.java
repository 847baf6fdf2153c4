package dev.geoloc.trainer.publish;

import java.util.List;

import dev.geoloc.contracts.versions.Refusal;
import dev.geoloc.contracts.versions.RolloutState;

/**
 * One model's records on the model-versions topic, folded as processors with the command's keys fold them.
 *
 * @param state    what serves, by the records acted on
 * @param refusals the records not acted on, in topic order
 * @param verified whether signatures were verified ({@code --verify-key}); if not, every signed or unsigned record
 *                 counted, as for processors that follow unsigned actions
 */
record ModelRollout(RolloutState state, List<Refusal> refusals, boolean verified) {

    ModelRollout {
        refusals = List.copyOf(refusals);
    }
}
