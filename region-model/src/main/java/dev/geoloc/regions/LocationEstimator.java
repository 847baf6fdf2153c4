package dev.geoloc.regions;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Turns a probability vector over a catalog's regions into a location, its expected error and a
 * confidence radius. Pure arithmetic, safe to share between threads.
 *
 * <p>The point estimate starts at the most probable region's center. When the probability is spread over
 * several regions, the point that minimises the expected distance to the region centers (their
 * probability-weighted geometric median) can do better: between two equally likely neighbours it sits
 * between them and halves the expected error. It is used only when it lowers the expected error, so a
 * confident model still answers with a region center.
 */
public final class LocationEstimator {

    private static final int WEISZFELD_ITERATIONS = 100;
    private static final double CONVERGED_KM = 1e-4;

    private final RegionCatalog catalog;
    private final double confidenceLevel;

    /** @param confidenceLevel the mass the confidence radius must hold, in (0, 1] */
    public LocationEstimator(RegionCatalog catalog, double confidenceLevel) {
        if (!(confidenceLevel > 0 && confidenceLevel <= 1)) {
            throw new IllegalArgumentException("confidence level " + confidenceLevel + " is outside (0, 1]");
        }
        this.catalog = catalog;
        this.confidenceLevel = confidenceLevel;
    }

    public double confidenceLevel() {
        return confidenceLevel;
    }

    /** @param probabilities one per region in label order, summing to 1 */
    public LocationEstimate estimate(float[] probabilities) {
        if (probabilities.length != catalog.size()) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + catalog.size() + " regions");
        }
        LatLon center = catalog.center(argmax(probabilities));
        LatLon median = weightedGeometricMedian(probabilities);
        double centerError = expectedErrorKm(probabilities, center);
        double medianError = expectedErrorKm(probabilities, median);
        boolean useCenter = centerError <= medianError;
        LatLon location = useCenter ? center : median;
        double error = useCenter ? centerError : medianError;
        return new LocationEstimate(location, useCenter, error, confidenceRadiusKm(probabilities, location), confidenceLevel);
    }

    /** Sum over regions of probability x kilometres from the point to the region's center. */
    public double expectedErrorKm(float[] probabilities, LatLon point) {
        double sum = 0;
        for (int j = 0; j < probabilities.length; j++) {
            sum += probabilities[j] * Geodesy.haversineKm(point, catalog.center(j));
        }
        return sum;
    }

    /**
     * Regions are taken whole: a region counts once the disc reaches its farthest corner, so the radius is
     * an honest upper bound even when the photo lies at the edge of its region.
     */
    double confidenceRadiusKm(float[] probabilities, LatLon location) {
        Integer[] order = new Integer[probabilities.length];
        double[] reach = new double[probabilities.length];
        for (int j = 0; j < order.length; j++) {
            order[j] = j;
            reach[j] = catalog.region(j).bbox().farthestCornerKm(location);
        }
        Arrays.sort(order, Comparator.comparingDouble(j -> reach[j]));
        double mass = 0;
        for (int j : order) {
            mass += probabilities[j];
            // float probabilities may sum to 1 - 1e-7: a level of 1 must still be reachable
            if (mass >= confidenceLevel - 1e-6) {
                return reach[j];
            }
        }
        return reach[order[order.length - 1]];
    }

    /** Weiszfeld's algorithm on a local equirectangular plane, accurate to metres at city scale. */
    private LatLon weightedGeometricMedian(float[] probabilities) {
        int n = probabilities.length;
        double lat0 = 0;
        double lon0 = 0;
        double total = 0;
        for (int j = 0; j < n; j++) {
            lat0 += probabilities[j] * catalog.center(j).latitude();
            lon0 += probabilities[j] * catalog.center(j).longitude();
            total += probabilities[j];
        }
        lat0 /= total;
        lon0 /= total;
        double kmPerDegree = Math.toRadians(Geodesy.EARTH_RADIUS_KM);
        double kmPerDegreeLon = kmPerDegree * Math.cos(Math.toRadians(lat0));
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int j = 0; j < n; j++) {
            xs[j] = (catalog.center(j).longitude() - lon0) * kmPerDegreeLon;
            ys[j] = (catalog.center(j).latitude() - lat0) * kmPerDegree;
        }
        double x = 0;
        double y = 0;
        for (int iteration = 0; iteration < WEISZFELD_ITERATIONS; iteration++) {
            double wx = 0;
            double wy = 0;
            double w = 0;
            for (int j = 0; j < n; j++) {
                double d = Math.hypot(x - xs[j], y - ys[j]);
                if (d < 1e-9) {
                    // On a center: Weiszfeld's step is undefined there; that center is a fine answer.
                    continue;
                }
                wx += probabilities[j] * xs[j] / d;
                wy += probabilities[j] * ys[j] / d;
                w += probabilities[j] / d;
            }
            if (w == 0) {
                break;
            }
            double nx = wx / w;
            double ny = wy / w;
            boolean converged = Math.hypot(nx - x, ny - y) < CONVERGED_KM;
            x = nx;
            y = ny;
            if (converged) {
                break;
            }
        }
        return new LatLon(lat0 + y / kmPerDegree, lon0 + x / kmPerDegreeLon);
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
