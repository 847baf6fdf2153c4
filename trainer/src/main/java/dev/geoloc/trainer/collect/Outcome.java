package dev.geoloc.trainer.collect;

/** What became of one candidate point. */
public enum Outcome {
    /** A new panorama within the radius and inside the region: its images are (being) downloaded. */
    ACCEPTED,
    /** No panorama near the point ({@code ZERO_RESULTS} or {@code NOT_FOUND}). */
    ZERO_RESULTS,
    /** The nearest panorama is farther from the point than the region's radius. */
    OUT_OF_RADIUS,
    /** The panorama lies outside the region's box: its label would be wrong. */
    OUTSIDE_REGION,
    /** The panorama was already taken, in this region or another. */
    DUPLICATE
}
