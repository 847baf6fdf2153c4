package dev.geoloc.model;

import dev.geoloc.imaging.ImageLimits;

/**
 * How a {@link RegionPredictor} runs.
 *
 * @param device          {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} (see {@link InferenceDevice})
 * @param topK            how many regions each prediction lists
 * @param confidenceLevel the probability mass the confidence radius holds, e.g. 0.9
 * @param concurrency     how many batches may run through the model at once; 1 suits a CPU, whose cores a
 *                        single batch already uses, and a GPU served by one batching queue
 * @param imageLimits     what {@link RegionPredictor#predictImages} refuses before decoding
 */
public record PredictorOptions(String device, int topK, double confidenceLevel, int concurrency,
                               ImageLimits imageLimits) {

    public static final PredictorOptions DEFAULT = new PredictorOptions("auto", 3, 0.9, 1, ImageLimits.DEFAULT);

    public PredictorOptions {
        if (topK < 1) {
            throw new IllegalArgumentException("top-k " + topK + " must be at least 1");
        }
        if (!(confidenceLevel > 0 && confidenceLevel <= 1)) {
            throw new IllegalArgumentException("confidence level " + confidenceLevel + " is outside (0, 1]");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency " + concurrency + " must be at least 1");
        }
    }

    public PredictorOptions withDevice(String value) {
        return new PredictorOptions(value, topK, confidenceLevel, concurrency, imageLimits);
    }
}
