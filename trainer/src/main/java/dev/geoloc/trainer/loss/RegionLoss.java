package dev.geoloc.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.geoloc.regions.RegionCatalog;

/**
 * What the study's losses share: inputs checked against the catalog, a per-sample loss averaged over the batch,
 * and no intermediate array left behind.
 */
abstract class RegionLoss extends Loss {

    private final int numRegions;

    RegionLoss(String name, RegionCatalog catalog) {
        super(name);
        this.numRegions = catalog.size();
    }

    /**
     * @param labels      {@code labels.get(0)}: int64 [B], the true region indices; {@code labels.get(1)}: float32
     *                    [B, 2], the photos' true (latitude, longitude) in degrees, read only by losses that measure
     *                    from the photo, so the others accept a single label array
     * @param predictions one float32 [B, C] array of logits, C the catalog's size
     * @return the mean loss over the batch, a scalar, differentiable with respect to the logits
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        Shape shape = logits.getShape();
        if (shape.dimension() != 2 || shape.get(1) != numRegions) {
            throw new IllegalArgumentException(getName() + " expects logits [B, " + numRegions + "] for a catalog of "
                    + numRegions + " regions; got " + shape);
        }
        // One-hot rows, distance tables and partial sums would otherwise stay in the logits' manager until the
        // training loop closes it; the scope closes them now. Autograd holds its own references to what backward
        // needs, so closing them does not cut the graph.
        try (NDScope scope = new NDScope()) {
            NDArray loss = perSample(new Batch(logits, oneHot(labels, logits), labels)).mean();
            NDScope.unregister(loss);
            return loss;
        }
    }

    /** The loss of each sample, [B]. */
    abstract NDArray perSample(Batch batch);

    /** −Σ_j q_j·log p_j per row: cross entropy against target distributions {@code targets} [B, C]. */
    static NDArray crossEntropy(NDArray targets, NDArray logProbabilities) {
        return targets.mul(logProbabilities).sum(new int[] {1}).neg();
    }

    private NDArray oneHot(NDList labels, NDArray logits) {
        NDArray regions = labels.get(0);
        Shape expected = new Shape(logits.getShape().get(0));
        if (!regions.getShape().equals(expected)) {
            throw new IllegalArgumentException(getName() + " expects labels.get(0) to be the true region indices "
                    + expected + "; got " + regions.getShape());
        }
        return regions.toDevice(logits.getDevice(), false).toType(DataType.INT64, false)
                .oneHot(numRegions, DataType.FLOAT32);
    }
}
