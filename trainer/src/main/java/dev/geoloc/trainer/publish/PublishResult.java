package dev.geoloc.trainer.publish;

import dev.geoloc.model.NumericsCheck;

/** How a publish ended: published, or refused by the quality gate with nothing stored or sent. */
public sealed interface PublishResult {

    GateVerdict verdict();

    /**
     * @param sent     the version's record as sent, and acknowledged by every in-sync replica
     * @param forced   whether {@code --force} overrode a refusing {@link #verdict()}
     * @param numerics how the bundle computed its reference outputs on this machine before it was published
     */
    record Published(SentAction sent, GateVerdict verdict, boolean forced, NumericsCheck numerics)
            implements PublishResult {
    }

    record Refused(String modelName, GateVerdict verdict) implements PublishResult {
    }
}
