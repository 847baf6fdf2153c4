package dev.geoloc.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * One call's inputs, on the logits' device.
 *
 * @param logits the predictions, [B, C]
 * @param oneHot the true regions as one-hot rows, float32 [B, C]
 * @param labels the labels as the caller passed them, for the losses that read the photo's coordinates
 */
record Batch(NDArray logits, NDArray oneHot, NDList labels) {

    int size() {
        return Math.toIntExact(logits.getShape().get(0));
    }

    NDArray logProbabilities() {
        return logits.logSoftmax(1);
    }

    /** The photos' true (latitude, longitude) in degrees, [B, 2], on the logits' device. */
    NDArray coordinates() {
        if (labels.size() < 2) {
            throw new IllegalArgumentException("This loss measures distances from the photo: labels.get(1) must hold "
                    + "the true (latitude, longitude) of each photo, [B, 2]; got " + labels.size() + " label array(s)");
        }
        NDArray coordinates = labels.get(1);
        Shape expected = new Shape(size(), 2);
        if (!coordinates.getShape().equals(expected)) {
            throw new IllegalArgumentException("labels.get(1) must be the photos' (latitude, longitude), "
                    + expected + "; got " + coordinates.getShape());
        }
        return coordinates.toDevice(logits.getDevice(), false);
    }

    /**
     * A constant table on the logits' device. Made per call from the logits' manager rather than cached: the loss
     * outlives any one manager, the tables are a few hundred numbers, and the call's scope closes them.
     */
    NDArray constant(float[] values, Shape shape) {
        return logits.getManager().create(values, shape).toDevice(logits.getDevice(), false);
    }
}
