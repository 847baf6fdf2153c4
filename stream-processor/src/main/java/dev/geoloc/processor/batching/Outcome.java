package dev.geoloc.processor.batching;

import dev.geoloc.model.Prediction;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.schemas.DeadLetterCode;

/** What the batcher made of one submitted image. */
public sealed interface Outcome {

    /**
     * @param model          the model whose batch predicted it
     * @param batchSize      images in that batch
     * @param queueNanos     from submission to the batch starting
     * @param inferenceNanos the batch's time in the model
     */
    record Predicted(Prediction prediction, ServedModel model, int batchSize, long queueNanos, long inferenceNanos)
            implements Outcome {
    }

    /** The image cannot be predicted: it belongs on the dead-letter topic. */
    record Failed(DeadLetterCode code, String reason) implements Outcome {
    }
}
