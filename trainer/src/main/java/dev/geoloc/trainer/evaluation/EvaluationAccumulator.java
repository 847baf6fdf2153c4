package dev.geoloc.trainer.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.geoloc.model.Prediction;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.LocationEstimate;
import dev.geoloc.regions.LocationEstimator;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;

/**
 * Collects predictions one image at a time and turns them into an {@link Evaluation}. Exact: every image's
 * outcome is kept, so the median and the Acc@k fractions are not estimated, and the figures can be
 * recomputed on resamples of the test locations. Not thread-safe.
 */
public final class EvaluationAccumulator {

    private final RegionCatalog catalog;
    private final LocationEstimator estimator;
    private final List<ImageOutcome> outcomes = new ArrayList<>();

    public EvaluationAccumulator(RegionCatalog catalog) {
        // the predictor's default level, so that the confidence radius's coverage is checked at what it serves
        this(catalog, new LocationEstimator(catalog, PredictorOptions.DEFAULT.confidenceLevel()));
    }

    /**
     * @param estimator how images added by their probabilities get their estimate: a model's own
     *                  ({@code RegionPredictor.locationEstimator()}), so that a calibrated model is scored as it serves
     */
    public EvaluationAccumulator(RegionCatalog catalog, LocationEstimator estimator) {
        this.catalog = catalog;
        this.estimator = estimator;
    }

    /**
     * Adds the predictor's answer for one image whose true region and coordinates are known.
     *
     * @param locationId the image's location group ({@code ManifestEntry.locationId()})
     */
    public void add(String locationId, int trueRegion, LatLon truePoint, Prediction prediction) {
        add(locationId, trueRegion, truePoint, prediction.predicted().index(),
                Optional.of(new ImageOutcome.Forecast(prediction.probabilities(), prediction.error())),
                prediction.point());
    }

    /**
     * Adds one image from its probabilities alone, for callers that run a model without a
     * {@code RegionPredictor} (a training loop's validation): the predicted region is the most probable one
     * (the lower index on a tie) and the estimate comes from {@link LocationEstimator}, as the predictor's would.
     *
     * @param locationId the image's location group ({@code ManifestEntry.locationId()})
     */
    public void add(String locationId, int trueRegion, LatLon truePoint, float[] probabilities) {
        if (probabilities.length != catalog.size()) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + catalog.size() + " regions");
        }
        int predicted = 0;
        for (int j = 1; j < probabilities.length; j++) {
            if (probabilities[j] > probabilities[predicted]) {
                predicted = j;
            }
        }
        LocationEstimate estimate = estimator.estimate(probabilities);
        add(locationId, trueRegion, truePoint, predicted, Optional.of(new ImageOutcome.Forecast(probabilities, estimate.error())),
                estimate.location());
    }

    /**
     * Adds one image from the model's region and point alone. Its probabilities are unknown, so an evaluation
     * holding such an image has no calibration.
     *
     * @param locationId      the image's location group ({@code ManifestEntry.locationId()})
     * @param trueRegion      the label index of the image's region
     * @param truePoint       the photo's true coordinates
     * @param predictedRegion the label index the model chose
     * @param estimate        the model's location estimate for the photo
     */
    public void add(String locationId, int trueRegion, LatLon truePoint, int predictedRegion, LatLon estimate) {
        add(locationId, trueRegion, truePoint, predictedRegion, Optional.empty(), estimate);
    }

    private void add(String locationId, int trueRegion, LatLon truePoint, int predictedRegion,
                     Optional<ImageOutcome.Forecast> forecast, LatLon estimate) {
        checkIndex(trueRegion, "true region");
        checkIndex(predictedRegion, "predicted region");
        outcomes.add(new ImageOutcome(locationId, trueRegion, truePoint, predictedRegion, estimate, forecast,
                catalog.distanceKm(predictedRegion, trueRegion), estimate.distanceKm(truePoint),
                catalog.center(predictedRegion).distanceKm(truePoint), estimate.distanceKm(catalog.center(trueRegion))));
    }

    public int samples() {
        return outcomes.size();
    }

    /** @throws IllegalStateException when nothing was added: an evaluation of no images has no accuracy */
    public Evaluation result() {
        if (outcomes.isEmpty()) {
            throw new IllegalStateException("no images were evaluated");
        }
        return Evaluation.of(catalog.ids(), catalog.regions().stream().map(Region::name).toList(), outcomes);
    }

    private void checkIndex(int index, String what) {
        if (index < 0 || index >= catalog.size()) {
            throw new IllegalArgumentException(what + " " + index + " is not a label index of the " + catalog.size()
                    + "-region catalog");
        }
    }
}
