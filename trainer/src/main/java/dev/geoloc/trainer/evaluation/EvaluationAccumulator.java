package dev.geoloc.trainer.evaluation;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

import dev.geoloc.model.Prediction;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.LocationEstimator;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;

/**
 * Collects predictions one image at a time and turns them into an {@link Evaluation}. Exact: every error
 * distance is kept, so the median and the Acc@k fractions are not estimated. Not thread-safe.
 */
public final class EvaluationAccumulator {

    private final RegionCatalog catalog;
    private final LocationEstimator estimator;
    private final int[][] confusion;
    private final Map<ErrorMeasure, double[]> errors = new EnumMap<>(ErrorMeasure.class);
    private int samples;

    public EvaluationAccumulator(RegionCatalog catalog) {
        this.catalog = catalog;
        // the confidence level shapes only the confidence radius, which no metric here uses
        this.estimator = new LocationEstimator(catalog, 0.9);
        this.confusion = new int[catalog.size()][catalog.size()];
        for (ErrorMeasure measure : ErrorMeasure.values()) {
            errors.put(measure, new double[64]);
        }
    }

    /** Adds the predictor's answer for one image whose true region and coordinates are known. */
    public void add(int trueRegion, LatLon truePoint, Prediction prediction) {
        add(trueRegion, truePoint, prediction.predicted().index(), prediction.location().location());
    }

    /**
     * Adds one image from its probabilities alone, for callers that run a model without a
     * {@code RegionPredictor} (a training loop's validation): the predicted region is the most probable one
     * (the lower index on a tie) and the estimate comes from {@link LocationEstimator}, as the predictor's would.
     */
    public void add(int trueRegion, LatLon truePoint, float[] probabilities) {
        if (probabilities.length != catalog.size()) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + catalog.size() + " regions");
        }
        int predicted = 0;
        for (int j = 1; j < probabilities.length; j++) {
            if (probabilities[j] > probabilities[predicted]) {
                predicted = j;
            }
        }
        add(trueRegion, truePoint, predicted, estimator.estimate(probabilities).location());
    }

    /**
     * Adds one image.
     *
     * @param trueRegion      the label index of the image's region
     * @param truePoint       the photo's true coordinates
     * @param predictedRegion the label index the model chose
     * @param estimate        the model's location estimate for the photo
     */
    public void add(int trueRegion, LatLon truePoint, int predictedRegion, LatLon estimate) {
        checkIndex(trueRegion, "true region");
        checkIndex(predictedRegion, "predicted region");
        confusion[trueRegion][predictedRegion]++;
        LatLon predictedCenter = catalog.center(predictedRegion);
        record(ErrorMeasure.REGION_CENTERS, catalog.distanceKm(predictedRegion, trueRegion));
        record(ErrorMeasure.PHOTO, estimate.distanceKm(truePoint));
        record(ErrorMeasure.CENTER_TO_PHOTO, predictedCenter.distanceKm(truePoint));
        samples++;
    }

    public int samples() {
        return samples;
    }

    /** @throws IllegalStateException when nothing was added: an evaluation of no images has no accuracy */
    public Evaluation result() {
        if (samples == 0) {
            throw new IllegalStateException("no images were evaluated");
        }
        Map<ErrorMeasure, DistanceMetrics> distances = new EnumMap<>(ErrorMeasure.class);
        errors.forEach((measure, values) -> distances.put(measure, DistanceMetrics.of(Arrays.copyOf(values, samples))));
        return new Evaluation(new ConfusionMatrix(catalog.ids(), catalog.regions().stream().map(Region::name).toList(),
                confusion), distances);
    }

    private void record(ErrorMeasure measure, double km) {
        double[] values = errors.get(measure);
        if (samples == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
            errors.put(measure, values);
        }
        values[samples] = km;
    }

    private void checkIndex(int index, String what) {
        if (index < 0 || index >= catalog.size()) {
            throw new IllegalArgumentException(what + " " + index + " is not a label index of the " + catalog.size()
                    + "-region catalog");
        }
    }
}
