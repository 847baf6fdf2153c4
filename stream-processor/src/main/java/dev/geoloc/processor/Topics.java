package dev.geoloc.processor;

/** The processor's topics by their default names; {@code geoloc.topics.*} renames them per deployment. */
public final class Topics {

    /** {@code ImageEvent}s to geotag. */
    public static final String IMAGE_EVENTS = "image-events";
    /** {@code RegionPrediction}s, keyed as the events they answer. */
    public static final String REGION_PREDICTIONS = "region-predictions";
    /** {@code DeadLetter}s: every event that could not be predicted, with the reason. */
    public static final String DEAD_LETTERS = "dead-letters";

    private Topics() {
    }
}
