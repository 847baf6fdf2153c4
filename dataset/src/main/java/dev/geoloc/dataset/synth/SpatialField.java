package dev.geoloc.dataset.synth;

import java.util.SplittableRandom;

/**
 * A smooth random field over the plane (kilometres), mean 0 and variance about 1, built from random
 * Fourier features: a sum of cosines whose wave vectors are drawn from a Gaussian of width 1/ℓ. That
 * approximates a Gaussian process with a squared-exponential kernel, so two points {@code d} km apart
 * correlate by about exp(-d²/2ℓ²): places well within a length scale share a value, places several
 * length scales apart are unrelated. Cheap to evaluate anywhere, with no grid and no edges.
 */
final class SpatialField {

    /** Enough cosines for the sum to look Gaussian and isotropic, few enough to stay cheap. */
    private static final int WAVES = 24;
    private static final double AMPLITUDE = Math.sqrt(2.0 / WAVES);

    private final double[] kx = new double[WAVES];
    private final double[] ky = new double[WAVES];
    private final double[] phase = new double[WAVES];

    SpatialField(long seed, double lengthScaleKm) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < WAVES; i++) {
            kx[i] = random.nextGaussian() / lengthScaleKm;
            ky[i] = random.nextGaussian() / lengthScaleKm;
            phase[i] = random.nextDouble() * 2 * Math.PI;
        }
    }

    double at(double xKm, double yKm) {
        double sum = 0;
        for (int i = 0; i < WAVES; i++) {
            sum += Math.cos(kx[i] * xKm + ky[i] * yKm + phase[i]);
        }
        return sum * AMPLITUDE;
    }
}
