package dev.geoloc.processor;

/** The processor's topics by their default names; {@code geoloc.topics.*} renames them per deployment. */
public final class Topics {

    /** {@code ImageEvent}s to geotag. */
    public static final String IMAGE_EVENTS = "image-events";
    /** {@code RegionPrediction}s, keyed as the events they answer. */
    public static final String REGION_PREDICTIONS = "region-predictions";
    /** {@code DeadLetter}s: every event that could not be predicted, with the reason. */
    public static final String DEAD_LETTERS = "dead-letters";
    /** {@code ModelVersion}s the trainer publishes, compacted, keyed {@code <model name>/<version>}: what the processor follows. */
    public static final String MODEL_VERSIONS = "model-versions";
    /** {@code ModelStatus}es: what each processor instance did with each version. */
    public static final String MODEL_STATUS = "model-status";

    private Topics() {
    }
}
