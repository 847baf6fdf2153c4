package dev.geoloc.contracts;

/**
 * The topics by their default names, for every side that reads or writes them; deployments may rename them
 * ({@code geoloc.topics.*} in the processor, {@code --topic} options in the trainer).
 */
public final class Topics {

    /** {@code ImageEvent}s to geotag. */
    public static final String IMAGE_EVENTS = "image-events";
    /** {@code RegionPrediction}s, keyed as the events they answer. */
    public static final String REGION_PREDICTIONS = "region-predictions";
    /** {@code RegionPrediction}s of a shadow version: every event, answered again, read by nothing downstream. */
    public static final String SHADOW_PREDICTIONS = "shadow-predictions";
    /** {@code DeadLetter}s: every event that could not be predicted, with the reason. */
    public static final String DEAD_LETTERS = "dead-letters";
    /**
     * {@code ModelVersion}s: rollout actions, append-only and kept forever, keyed {@code <model name>/<version>}
     * ({@link dev.geoloc.contracts.versions.ModelVersionKey}); what processors follow.
     */
    public static final String MODEL_VERSIONS = "model-versions";
    /** {@code ModelStatus}es: what each processor instance did with each version. */
    public static final String MODEL_STATUS = "model-status";

    /**
     * The processor's own topic between its two steps: each panorama view's answer, keyed by its capture group, so
     * that one task sees every view of a group; nothing else reads it.
     */
    public static final String PANORAMA_VIEWS = "panorama-views";
    /** {@code PanoramaPrediction}s, compacted, keyed by capture group id: the latest revision is the answer. */
    public static final String PANORAMA_PREDICTIONS = "panorama-predictions";

    private Topics() {
    }
}
