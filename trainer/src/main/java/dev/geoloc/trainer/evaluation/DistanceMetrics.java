package dev.geoloc.trainer.evaluation;

import java.util.Arrays;

/**
 * The error distances of one {@link ErrorMeasure} over an evaluation, kept sorted: mean, median, the
 * fraction within a radius, and the distances themselves for CDF plots. Immutable.
 */
public final class DistanceMetrics {

    private final double[] sortedKm;
    private final double meanKm;

    private DistanceMetrics(double[] sortedKm) {
        this.sortedKm = sortedKm;
        double sum = 0;
        for (double km : sortedKm) {
            sum += km;
        }
        this.meanKm = sum / sortedKm.length;
    }

    /**
     * @param errorsKm one distance per sample, in any order
     * @throws IllegalArgumentException when empty, or for a distance that is negative or not finite
     */
    public static DistanceMetrics of(double[] errorsKm) {
        if (errorsKm.length == 0) {
            throw new IllegalArgumentException("no errors: an evaluation needs at least one sample");
        }
        for (double km : errorsKm) {
            if (!(km >= 0) || Double.isInfinite(km)) {
                throw new IllegalArgumentException("error distance " + km + " km is not a finite distance");
            }
        }
        double[] sorted = errorsKm.clone();
        Arrays.sort(sorted);
        return new DistanceMetrics(sorted);
    }

    public int count() {
        return sortedKm.length;
    }

    public double meanKm() {
        return meanKm;
    }

    /** The middle distance; for an even count, the mean of the two middle ones. */
    public double medianKm() {
        int n = sortedKm.length;
        return n % 2 == 1 ? sortedKm[n / 2] : (sortedKm[n / 2 - 1] + sortedKm[n / 2]) / 2;
    }

    /** Acc@radius: the fraction of samples whose error is at most {@code radiusKm} (inclusive, as the study's ≤). */
    public double accuracyWithinKm(double radiusKm) {
        return (double) countWithin(radiusKm) / sortedKm.length;
    }

    /** The distances in ascending order, a fresh copy. */
    public double[] sortedErrorsKm() {
        return sortedKm.clone();
    }

    private int countWithin(double radiusKm) {
        // the first index holding a distance above the radius
        int low = 0;
        int high = sortedKm.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sortedKm[mid] <= radiusKm) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
