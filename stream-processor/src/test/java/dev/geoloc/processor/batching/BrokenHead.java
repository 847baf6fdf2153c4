package dev.geoloc.processor.batching;

import ai.djl.ndarray.NDManager;
import dev.geoloc.model.RegionPredictor;

/** A served model made to fail on every batch, as a device fault would leave it, for the batcher's tests. */
final class BrokenHead {

    private BrokenHead() {
    }

    /** Releases the head's native memory behind the predictor's back: every batch fails, and it does not know it is closed. */
    static void breakHead(RegionPredictor predictor) throws ReflectiveOperationException {
        var field = RegionPredictor.class.getDeclaredField("headManager");
        field.setAccessible(true);
        ((NDManager) field.get(predictor)).close();
    }
}
