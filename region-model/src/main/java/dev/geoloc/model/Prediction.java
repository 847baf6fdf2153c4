package dev.geoloc.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.geoloc.regions.LocationEstimate;
import dev.geoloc.retrieval.Retrieval;

/**
 * What the model says about one image.
 *
 * @param probabilities one per region, in label order, summing to 1
 * @param top           the {@code k} most probable regions, most probable first
 * @param location      the point estimate, its expected error and confidence radius, from the probabilities
 * @param refined       a finer point from the bundle's gallery of training photos, when it has one and a match was
 *                      alike enough ({@link Retrieval})
 */
public record Prediction(float[] probabilities, List<RegionScore> top, LocationEstimate location,
                         Optional<Retrieval.Refinement> refined) {

    public Prediction {
        probabilities = probabilities.clone();
        top = List.copyOf(top);
        Objects.requireNonNull(refined, "refined");
    }

    /** A prediction from the probabilities alone. */
    public Prediction(float[] probabilities, List<RegionScore> top, LocationEstimate location) {
        this(probabilities, top, location, Optional.empty());
    }

    /** The most probable region. */
    public RegionScore predicted() {
        return top.get(0);
    }

    /** The point to answer with: the refined one when there is one, else the probabilities' estimate. */
    public dev.geoloc.regions.LatLon point() {
        return refined.map(Retrieval.Refinement::point).orElse(location.location());
    }

    /** This prediction, refined. */
    Prediction withRefinement(Optional<Retrieval.Refinement> refinement) {
        return new Prediction(probabilities, top, location, refinement);
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }
}
