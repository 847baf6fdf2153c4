package dev.geoloc.regions;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a probability vector over a catalog's regions into a location, its expected error and a
 * confidence radius. Pure arithmetic, safe to share between threads.
 *
 * <p>Each region stands for a set of points where its photos may be: its center alone, or, given a
 * {@link PhotoSpread}, a sample of its photos' coordinates (an empty sample falls back to the center). The
 * expected error of a point e is Σ_j p_j · mean_{x ∈ S_j} d(e, x): with centers alone the distance to the true
 * region's center the study measures, with a spread the distance to the photo, which a user pays.
 *
 * <p>The point estimate starts at the most probable region's center. When the probability is spread over
 * several regions, the point that minimises the expected distance to the region centers (their
 * probability-weighted geometric median) can do better: between two equally likely neighbours it sits
 * between them and halves the expected error. It is used only when it lowers the expected error, so a
 * confident model still answers with a region center.
 *
 * <p>The confidence radius: with centers alone, regions are taken whole (a region counts once the disc reaches its
 * farthest corner), an upper bound that ignores where in a region photos are. With a spread, it is the smallest r
 * whose disc holds the level of the mixture Σ_j p_j · (share of S_j within r), so it covers the truth as often as
 * the probabilities and the samples are right.
 */
public final class LocationEstimator {

    private static final int WEISZFELD_ITERATIONS = 100;
    private static final double CONVERGED_KM = 1e-4;
    /** Float probabilities may sum to 1 - 1e-7: a level of 1 must still be reachable. */
    private static final double MASS_SLACK = 1e-6;

    private final RegionCatalog catalog;
    private final double confidenceLevel;
    /** Per region, the points its photos are taken to be at: its sample, or its center alone. */
    private final NearbyPoints[] photos;
    private final boolean spread;

    /** Photos at their region's center, radius over whole regions: the estimator of bundles without calibration. */
    public LocationEstimator(RegionCatalog catalog, double confidenceLevel) {
        this(catalog, confidenceLevel, centers(catalog), false);
    }

    /**
     * Photos where {@code spread}'s samples are.
     *
     * @throws IllegalArgumentException when the spread is not over the catalog's regions
     */
    public LocationEstimator(RegionCatalog catalog, double confidenceLevel, PhotoSpread spread) {
        this(catalog, confidenceLevel, samples(catalog, spread), true);
    }

    private LocationEstimator(RegionCatalog catalog, double confidenceLevel, LatLon[][] photos, boolean spread) {
        if (!(confidenceLevel > 0 && confidenceLevel <= 1)) {
            throw new IllegalArgumentException("confidence level " + confidenceLevel + " is outside (0, 1]");
        }
        this.catalog = catalog;
        this.confidenceLevel = confidenceLevel;
        this.photos = new NearbyPoints[photos.length];
        for (int j = 0; j < photos.length; j++) {
            this.photos[j] = new NearbyPoints(List.of(photos[j]));
        }
        this.spread = spread;
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
        double[][] fromCenter = distancesKm(center);
        double[][] fromMedian = distancesKm(median);
        double centerError = expectedErrorKm(probabilities, fromCenter);
        double medianError = expectedErrorKm(probabilities, fromMedian);
        boolean useCenter = centerError <= medianError;
        LatLon location = useCenter ? center : median;
        double error = useCenter ? centerError : medianError;
        double radius = spread ? mixtureRadiusKm(probabilities, useCenter ? fromCenter : fromMedian)
                : confidenceRadiusKm(probabilities, location);
        return new LocationEstimate(location, useCenter, error, radius, confidenceLevel);
    }

    /**
     * The expected error and radius around another point than the estimate (a finer one, e.g. a retrieval
     * refinement), under the same probabilities and photo samples.
     */
    public PointError errorAt(float[] probabilities, LatLon point) {
        double[][] distances = distancesKm(point);
        double error = expectedErrorKm(probabilities, distances);
        double radius = spread ? mixtureRadiusKm(probabilities, distances) : confidenceRadiusKm(probabilities, point);
        return new PointError(error, radius, confidenceLevel);
    }

    /** Sum over regions of probability x the mean distance from the point to the region's photos (or center). */
    public double expectedErrorKm(float[] probabilities, LatLon point) {
        return expectedErrorKm(probabilities, distancesKm(point));
    }

    private static double expectedErrorKm(float[] probabilities, double[][] distancesKm) {
        double sum = 0;
        for (int j = 0; j < probabilities.length; j++) {
            double distances = 0;
            for (double d : distancesKm[j]) {
                distances += d;
            }
            sum += probabilities[j] * (distances / distancesKm[j].length);
        }
        return sum;
    }

    /** Per region, kilometres from the point to each of its photos: computed once per candidate, the bulk of the cost. */
    private double[][] distancesKm(LatLon point) {
        double[][] distances = new double[photos.length][];
        for (int j = 0; j < photos.length; j++) {
            distances[j] = new double[photos[j].size()];
            photos[j].distancesKm(point, distances[j], 0);
        }
        return distances;
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
            if (mass >= confidenceLevel - MASS_SLACK) {
                return reach[j];
            }
        }
        return reach[order[order.length - 1]];
    }

    /**
     * The smallest sample distance r at which Σ_j p_j · |{x ∈ S_j : d(location, x) ≤ r}| / |S_j| reaches the level:
     * the level's quantile of the distance to the photo, if the probabilities and samples are right.
     *
     * @param distances per region, kilometres from the location to its photos
     */
    private double mixtureRadiusKm(float[] probabilities, double[][] distances) {
        int total = 0;
        for (double[] region : distances) {
            total += region.length;
        }
        double[] all = new double[total];
        double[] weights = new double[total];
        int filled = 0;
        for (int j = 0; j < distances.length; j++) {
            System.arraycopy(distances[j], 0, all, filled, distances[j].length);
            Arrays.fill(weights, filled, filled + distances[j].length, (double) probabilities[j] / distances[j].length);
            filled += distances[j].length;
        }
        return MixtureRadius.km(all, weights, confidenceLevel);
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

    private static LatLon[][] centers(RegionCatalog catalog) {
        LatLon[][] points = new LatLon[catalog.size()][];
        for (int j = 0; j < points.length; j++) {
            points[j] = new LatLon[] {catalog.center(j)};
        }
        return points;
    }

    private static LatLon[][] samples(RegionCatalog catalog, PhotoSpread spread) {
        if (spread.regions() != catalog.size()) {
            throw new IllegalArgumentException("a photo spread over " + spread.regions() + " regions for a catalog of "
                    + catalog.size());
        }
        LatLon[][] points = centers(catalog);
        for (int j = 0; j < points.length; j++) {
            List<LatLon> sample = spread.of(j);
            if (!sample.isEmpty()) {
                points[j] = sample.toArray(LatLon[]::new);
            }
        }
        return points;
    }
}
