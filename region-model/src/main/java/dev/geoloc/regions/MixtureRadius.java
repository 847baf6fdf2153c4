package dev.geoloc.regions;

import java.util.Arrays;

/**
 * The radius of a mixture of photo samples: the smallest sample distance r whose disc holds the confidence level of
 * the samples' weights, Σ_i w_i · [d_i ≤ r]. The region-level estimate's samples weigh p_j / |S_j|, a cell model's
 * q_c / |S_c|; both ask this one question.
 */
public final class MixtureRadius {

    /** Float probabilities may sum to 1 - 1e-7: a level of 1 must still be reachable. */
    private static final double MASS_SLACK = 1e-6;

    private MixtureRadius() {
    }

    /**
     * @param distances kilometres from the point to each sample, not negative
     * @param weights   each sample's probability, in the same order, summing to about 1
     * @param level     the mass the disc must hold, in (0, 1]
     */
    public static double km(double[] distances, double[] weights, double level) {
        // One sort of (distance, index) pairs packed in longs: a non-negative float's bits order as the float does
        long[] order = new long[distances.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = ((long) Float.floatToRawIntBits((float) distances[i]) << 32) | i;
        }
        Arrays.sort(order);
        double mass = 0;
        for (long key : order) {
            int i = (int) key;
            mass += weights[i];
            if (mass >= level - MASS_SLACK) {
                return distances[i];
            }
        }
        return distances[(int) order[order.length - 1]];
    }
}
