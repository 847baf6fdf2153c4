package dev.geoloc.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.geoloc.cells.CellPoint;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.LocationEstimate;
import dev.geoloc.retrieval.Retrieval;

/**
 * What the model says about one image.
 *
 * @param probabilities one per region, in label order, summing to 1
 * @param top           the {@code k} most probable regions, most probable first
 * @param location      the point estimate, its expected error and confidence radius, from the probabilities
 * @param cell          where a cell head places the photo within the predicted region, when the bundle has cells
 * @param refined       a finer point from the bundle's gallery of training photos, when it has one and a match was
 *                      alike enough ({@link Retrieval})
 */
public record Prediction(float[] probabilities, List<RegionScore> top, LocationEstimate location,
                         Optional<CellPoint> cell, Optional<Retrieval.Refinement> refined) {

    public Prediction {
        probabilities = probabilities.clone();
        top = List.copyOf(top);
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(refined, "refined");
    }

    /** A prediction from the probabilities alone. */
    public Prediction(float[] probabilities, List<RegionScore> top, LocationEstimate location) {
        this(probabilities, top, location, Optional.empty(), Optional.empty());
    }

    /** The most probable region. */
    public RegionScore predicted() {
        return top.get(0);
    }

    /**
     * The point to answer with: the gallery's refinement when there is one, else {@link #unrefinedPoint()}.
     */
    public LatLon point() {
        return refined.map(Retrieval.Refinement::point).orElseGet(this::unrefinedPoint);
    }

    /**
     * The point without the gallery's refinement: the cell head's point within the predicted region when the bundle
     * has cells, else the probabilities' estimate. The cell's point replaces the estimate even where the estimate
     * hedges between regions: on the blocked SynthCity split that hedge placed photos worse (docs/cells.md).
     */
    public LatLon unrefinedPoint() {
        return cell.map(CellPoint::point).orElse(location.location());
    }

    /** This prediction, placed in a cell. */
    Prediction withCell(CellPoint placed) {
        return new Prediction(probabilities, top, location, Optional.of(placed), refined);
    }

    /** This prediction, refined. */
    Prediction withRefinement(Optional<Retrieval.Refinement> refinement) {
        return new Prediction(probabilities, top, location, cell, refinement);
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }
}
