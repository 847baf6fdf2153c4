package dev.geoloc.model;

import java.util.List;

import dev.geoloc.regions.LocationEstimate;

/**
 * What the model says about one image.
 *
 * @param probabilities one per region, in label order, summing to 1
 * @param top           the {@code k} most probable regions, most probable first
 * @param location      the point estimate, its expected error and confidence radius
 */
public record Prediction(float[] probabilities, List<RegionScore> top, LocationEstimate location) {

    public Prediction {
        probabilities = probabilities.clone();
        top = List.copyOf(top);
    }

    /** The most probable region. */
    public RegionScore predicted() {
        return top.get(0);
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }
}
