package dev.geoloc.trainer.training;

import dev.geoloc.model.HeadSpec;

/**
 * Everything that shapes a training run; equal options on equal data give equal models (up to the
 * non-determinism of multi-threaded float sums in libtorch).
 *
 * @param encoder        a built-in encoder name ({@code tiny-cnn}, {@code tiny-vit}) or an exported
 *                       TorchScript file with its {@code .json} contract beside it
 * @param loss           the loss, as {@code LossSpec} parses it (e.g. {@code ranking:margin=0.1})
 * @param warmupEpochs   epochs of linear learning-rate warm-up before the cosine decay
 * @param patience       epochs without a better validation mean error before stopping early
 * @param prototypes     the fixed region vectors of a prototype head, one row per region; null for a classifier
 */
public record TrainingOptions(String modelName, String encoder, EncoderTraining encoderTraining, HeadSpec head,
                              String loss, int epochs, int batchSize, float encoderLearningRate,
                              float headLearningRate, float weightDecay, float warmupEpochs, int patience,
                              boolean augment, long seed, String device, float[][] prototypes) {

    public TrainingOptions {
        if (epochs < 1 || batchSize < 1 || patience < 1) {
            throw new IllegalArgumentException("epochs, batch size and patience must be at least 1");
        }
        if (!(encoderLearningRate >= 0 && headLearningRate > 0 && weightDecay >= 0 && warmupEpochs >= 0)) {
            throw new IllegalArgumentException("learning rates, weight decay and warm-up must not be negative");
        }
        if ((head instanceof HeadSpec.Prototype) != (prototypes != null)) {
            throw new IllegalArgumentException("a prototype head needs region prototypes, and only it takes them");
        }
    }
}
