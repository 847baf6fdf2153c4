package dev.geoloc.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.geoloc.regions.RegionCatalog;

/**
 * The study's baseline (§3.2, loss 1): cross entropy, blind to geography.
 *
 * <pre>L = −log softmax(z)_y</pre>
 */
public final class CrossEntropyLoss extends RegionLoss {

    public CrossEntropyLoss(RegionCatalog catalog) {
        super("ce", catalog);
    }

    @Override
    NDArray perSample(Batch batch) {
        return crossEntropy(batch.oneHot(), batch.logProbabilities());
    }
}
