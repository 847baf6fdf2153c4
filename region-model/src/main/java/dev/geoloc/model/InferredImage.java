package dev.geoloc.model;

import java.util.Objects;

/**
 * One image of a batch that has been through the model, whose {@link Prediction} is made when it is first asked
 * for, on the thread that asks. {@link RegionPredictor#infer} stops at the model's outputs so that a serving
 * process's single inference thread hands the per-image arithmetic (top regions, location estimate, cell, gallery
 * search, error bars: tens of microseconds an image, more with a large gallery) to the threads that read the answers,
 * which run in parallel. On a GPU that arithmetic would otherwise take a large share of the thread that feeds it.
 *
 * <p>Thread-safe. Two threads asking at once may both compute the prediction; they compute the same one.
 */
public final class InferredImage {

    private final RegionPredictor predictor;
    private final RegionPredictor.Outputs outputs;
    private final int index;
    private volatile Prediction prediction;

    InferredImage(RegionPredictor predictor, RegionPredictor.Outputs outputs, int index) {
        this.predictor = predictor;
        this.outputs = outputs;
        this.index = index;
    }

    private InferredImage(Prediction made) {
        this(null, null, -1);
        this.prediction = made;
    }

    /** An image whose prediction is made already. */
    public static InferredImage of(Prediction made) {
        return new InferredImage(Objects.requireNonNull(made, "made"));
    }

    /**
     * What the model says about the image. Pure arithmetic on the batch's outputs, which are Java arrays: fine after
     * the predictor has been closed (a swap).
     */
    public Prediction prediction() {
        Prediction made = prediction;
        if (made == null) {
            made = predictor.prediction(outputs, index);
            prediction = made;
        }
        return made;
    }
}
