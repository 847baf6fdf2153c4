package dev.geoloc.trainer.training;

import java.util.ArrayList;
import java.util.List;

/**
 * What a checkpoint needs besides weights to resume: the last finished epoch, the best so far, and the
 * history. The optimizer's moment estimates are not kept (DJL cannot export them); AdamW rebuilds them
 * within a few dozen steps, which the resumed schedule's small late learning rates absorb.
 */
record RunState(int epoch, int bestEpoch, double bestError, List<EpochRecord> epochs) {

    RunState {
        epochs = List.copyOf(epochs);
    }

    static RunState fresh() {
        return new RunState(0, 0, Double.POSITIVE_INFINITY, List.of());
    }

    RunState after(EpochRecord record, boolean improved) {
        List<EpochRecord> history = new ArrayList<>(epochs);
        history.add(record);
        return new RunState(record.epoch(), improved ? record.epoch() : bestEpoch,
                improved ? record.validationMeanErrorKm() : bestError, history);
    }
}
