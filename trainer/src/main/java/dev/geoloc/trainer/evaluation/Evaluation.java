package dev.geoloc.trainer.evaluation;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's results on a set of images: the confusion matrix, from which accuracy and per-region accuracy
 * follow, the error distances under each {@link ErrorMeasure}, and each image's {@link ImageOutcome}, from
 * which both are made and from which a bootstrap resample or the calibration is computed. Built by
 * {@link EvaluationAccumulator}. (Named apart from the Avro record {@code dev.geoloc.schemas.EvaluationMetrics}.)
 *
 * @param outcomes one per image, in the order the images were scored
 */
public record Evaluation(ConfusionMatrix confusion, Map<ErrorMeasure, DistanceMetrics> distances,
                         List<ImageOutcome> outcomes) {

    /**
     * The Acc@k radii every report gives, ascending: the study's 1, 5 and 25 km and the 10 km an issue added, below
     * them 0.25 and 0.5 km, the scales where the error to the photo (and what retrieval refinement gains) shows.
     */
    public static final List<Double> RADII_KM = List.of(0.25, 0.5, 1.0, 5.0, 10.0, 25.0);

    /**
     * A radius as the reports name it, in km without trailing zeros ({@code "0.25"}, {@code "0.5"}, {@code "1"},
     * {@code "25"}): in Acc@0.25km and @0.25km, and the key of {@code within_km} in JSON, kept as it was for the whole
     * kilometres.
     */
    public static String radiusLabel(double radiusKm) {
        return BigDecimal.valueOf(radiusKm).stripTrailingZeros().toPlainString();
    }

    public Evaluation {
        if (distances.keySet().size() != ErrorMeasure.values().length) {
            throw new IllegalArgumentException("distances for every error measure are needed, got " + distances.keySet());
        }
        for (DistanceMetrics metrics : distances.values()) {
            if (metrics.count() != confusion.total()) {
                throw new IllegalArgumentException(metrics.count() + " error distances for " + confusion.total()
                        + " samples");
            }
        }
        if (outcomes.size() != confusion.total()) {
            throw new IllegalArgumentException(outcomes.size() + " image outcomes for " + confusion.total() + " samples");
        }
        distances = Collections.unmodifiableMap(new EnumMap<>(distances));
        outcomes = List.copyOf(outcomes);
    }

    /**
     * The evaluation of these outcomes over a catalog's regions.
     *
     * @param ids   region ids in label order
     * @param names region names in label order
     * @throws IllegalArgumentException for no outcomes
     */
    public static Evaluation of(List<String> ids, List<String> names, List<ImageOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException("no images: an evaluation needs at least one");
        }
        int[][] counts = new int[ids.size()][ids.size()];
        Map<ErrorMeasure, double[]> errors = new EnumMap<>(ErrorMeasure.class);
        for (ErrorMeasure measure : ErrorMeasure.values()) {
            errors.put(measure, new double[outcomes.size()]);
        }
        for (int i = 0; i < outcomes.size(); i++) {
            ImageOutcome outcome = outcomes.get(i);
            counts[outcome.trueRegion()][outcome.predictedRegion()]++;
            for (ErrorMeasure measure : ErrorMeasure.values()) {
                errors.get(measure)[i] = outcome.errorKm(measure);
            }
        }
        Map<ErrorMeasure, DistanceMetrics> distances = new EnumMap<>(ErrorMeasure.class);
        errors.forEach((measure, values) -> distances.put(measure, DistanceMetrics.of(values)));
        return new Evaluation(new ConfusionMatrix(ids, names, counts), distances, outcomes);
    }

    /**
     * The evaluation of some of these images, by index into {@link #outcomes()}, repeats allowed: a bootstrap
     * resample, over the same regions.
     */
    public Evaluation resample(int[] indices) {
        List<ImageOutcome> chosen = new ArrayList<>(indices.length);
        for (int index : indices) {
            chosen.add(outcomes.get(index));
        }
        return of(confusion.ids(), confusion.names(), chosen);
    }

    public int samples() {
        return confusion.total();
    }

    public int correct() {
        return confusion.correct();
    }

    /** The fraction of images whose region was predicted right. */
    public double accuracy() {
        return (double) correct() / samples();
    }

    public DistanceMetrics distance(ErrorMeasure measure) {
        return distances.get(measure);
    }

    public List<RegionAccuracy> regions() {
        return confusion.regions();
    }

    /** How many location groups the images come from: the units {@link LocationBootstrap} resamples. */
    public int locations() {
        return (int) outcomes.stream().map(ImageOutcome::locationId).distinct().count();
    }

    /**
     * The calibration of the probabilities and of the distance-error estimate; empty when some image was
     * scored without the model's probabilities, whose calibration cannot be known.
     */
    public Optional<Calibration> calibration() {
        return Calibration.of(outcomes);
    }
}
