package dev.geoloc.processor.batching;

import java.util.Optional;

import dev.geoloc.model.InferredImage;
import dev.geoloc.model.Prediction;
import dev.geoloc.processor.versions.Route;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.schemas.DeadLetterCode;

/** What the batcher made of one submitted image. */
public sealed interface Outcome {

    /**
     * @param image          the model's outputs for it; its {@link #prediction()} is made by the thread that reads it,
     *                       not by the inference thread
     * @param model          the model whose batch predicted it
     * @param route          whether it was routed to the canary, as a hash of its key chose
     * @param batchSize      images in that batch
     * @param queueNanos     from submission to the batch starting
     * @param inferenceNanos the batch's time in the model
     * @param shadow         the shadow model's answer, when one runs and answered
     */
    record Predicted(InferredImage image, ServedModel model, Route route, int batchSize, long queueNanos,
                     long inferenceNanos, Optional<Shadowed> shadow) implements Outcome {

        public Prediction prediction() {
            return image.prediction();
        }
    }

    /** What the shadow model made of the same image: written to the shadow topic only. */
    record Shadowed(InferredImage image, ServedModel model) {
    }

    /** The image cannot be predicted: it belongs on the dead-letter topic. */
    record Failed(DeadLetterCode code, String reason) implements Outcome {
    }
}
