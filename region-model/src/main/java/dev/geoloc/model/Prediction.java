package dev.geoloc.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.geoloc.cells.CellPoint;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.LocationEstimate;
import dev.geoloc.regions.PointError;
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
 * @param pointError    the expected error and radius around {@link #point()} when that is finer than the
 *                      region-level estimate (a cell's or the gallery's point); empty to take the estimate's
 */
public record Prediction(float[] probabilities, List<RegionScore> top, LocationEstimate location,
                         Optional<CellPoint> cell, Optional<Retrieval.Refinement> refined,
                         Optional<PointError> pointError) {

    public Prediction {
        probabilities = probabilities.clone();
        top = List.copyOf(top);
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(refined, "refined");
        Objects.requireNonNull(pointError, "pointError");
    }

    /** A prediction from the probabilities alone. */
    public Prediction(float[] probabilities, List<RegionScore> top, LocationEstimate location) {
        this(probabilities, top, location, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A prediction placed in a cell, or refined, with the region-level estimate's error bar. */
    public Prediction(float[] probabilities, List<RegionScore> top, LocationEstimate location,
                      Optional<CellPoint> cell, Optional<Retrieval.Refinement> refined) {
        this(probabilities, top, location, cell, refined, Optional.empty());
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

    /** The expected error and radius around {@link #point()}: its own when it is finer, else the estimate's. */
    public PointError error() {
        return pointError.orElseGet(location::error);
    }

    /** This prediction, placed in a cell. */
    Prediction withCell(CellPoint placed) {
        return new Prediction(probabilities, top, location, Optional.of(placed), refined, pointError);
    }

    /** This prediction, refined. */
    Prediction withRefinement(Optional<Retrieval.Refinement> refinement) {
        return new Prediction(probabilities, top, location, cell, refinement, pointError);
    }

    /** This prediction, with the error bar around its point. */
    Prediction withPointError(PointError error) {
        return new Prediction(probabilities, top, location, cell, refined, Optional.of(error));
    }

    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }
}
