package dev.geoloc.trainer.evaluation;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A model's results on a set of images: the confusion matrix, from which accuracy and per-region accuracy
 * follow, and the error distances under each {@link ErrorMeasure}. Built by {@link EvaluationAccumulator}.
 * (Named apart from the Avro record {@code dev.geoloc.schemas.EvaluationMetrics}.)
 */
public record Evaluation(ConfusionMatrix confusion, Map<ErrorMeasure, DistanceMetrics> distances) {

    /** The radii of the study's Acc@k km columns, plus Acc@10km which the issue adds. */
    public static final List<Double> RADII_KM = List.of(1.0, 5.0, 10.0, 25.0);

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
        distances = Collections.unmodifiableMap(new EnumMap<>(distances));
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
}
