package dev.geoloc.trainer.cells;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import dev.geoloc.cells.Cell;
import dev.geoloc.cells.CellPartition;
import dev.geoloc.model.CellsFile;
import dev.geoloc.regions.LatLon;

/**
 * Splits each region into cells by k-means over its training photos' coordinates, on the region's tangent plane in
 * kilometres: cells then follow where photos are, as PIGEON's semantic geocells do, and a region without photos
 * in one corner gets no cell there. Seeded k-means++ starts and Lloyd's iterations, so the same photos and seed
 * always give the same cells, which a resumed training run relies on.
 *
 * <p>Each cell's offset bound is the farthest any of its photos lies east-west or north-south of its centre, and
 * at least half the distance to the region's nearest other cell: a photo never seen in training (the blocked
 * split keeps test places away from training ones) can then be placed anywhere in the cell's share of the region.
 */
public final class CellClustering {

    private static final int ITERATIONS = 50;
    /** A region with a single distinct place, or a single cell, still lets the offset move this far. */
    static final double MIN_BOUND_KM = 0.05;

    private CellClustering() {
    }

    /**
     * @param regions    each photo's region label index
     * @param latitudes  each photo's latitude
     * @param longitudes each photo's longitude
     * @param regionCount how many regions: each must have a photo
     * @param perRegion  cells wanted per region; a region with fewer distinct places gets one per place
     * @throws IllegalArgumentException when a region has no photo, which no cell could then stand for
     */
    public static CellsFile.Contents cluster(int[] regions, float[] latitudes, float[] longitudes, int regionCount,
                                             int perRegion, long seed) {
        if (perRegion < 1) {
            throw new IllegalArgumentException("cells per region must be at least 1; got " + perRegion);
        }
        List<Cell> cells = new ArrayList<>();
        for (int region = 0; region < regionCount; region++) {
            List<LatLon> points = new ArrayList<>();
            for (int i = 0; i < regions.length; i++) {
                if (regions[i] == region) {
                    points.add(new LatLon(latitudes[i], longitudes[i]));
                }
            }
            if (points.isEmpty()) {
                throw new IllegalArgumentException("region " + region + " has no training photo to make a cell from");
            }
            cells.addAll(regionCells(region, points, perRegion, new SplittableRandom(seed * 1_000_003L + region)));
        }
        return new CellsFile.Contents(new CellPartition(cells, regionCount), String.format(Locale.ROOT,
                "k-means of the train split's photo coordinates, up to %d per region, seed %d", perRegion, seed));
    }

    private static List<Cell> regionCells(int region, List<LatLon> points, int perRegion, SplittableRandom random) {
        Plane plane = Plane.around(points);
        double[][] xy = points.stream().map(plane::project).toArray(double[][]::new);
        int k = (int) Math.min(perRegion, Arrays.stream(xy).map(p -> p[0] + "," + p[1]).distinct().count());
        double[][] centres = kMeansPlusPlus(xy, k, random);
        int[] assignment = new int[xy.length];
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            boolean moved = assign(xy, centres, assignment) || iteration == 0;
            recentre(xy, centres, assignment);
            if (!moved) {
                break;
            }
        }
        assign(xy, centres, assignment);
        double[] reach = new double[k];
        for (int i = 0; i < xy.length; i++) {
            double[] c = centres[assignment[i]];
            reach[assignment[i]] = Math.max(reach[assignment[i]], Math.max(Math.abs(xy[i][0] - c[0]), Math.abs(xy[i][1] - c[1])));
        }
        List<Cell> cells = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            double nearest = Double.POSITIVE_INFINITY;
            for (int o = 0; o < k; o++) {
                if (o != c) {
                    nearest = Math.min(nearest, Math.hypot(centres[c][0] - centres[o][0], centres[c][1] - centres[o][1]));
                }
            }
            double half = Double.isInfinite(nearest) ? 0 : nearest / 2;
            double bound = Math.min(CellPartition.MAX_BOUND_KM, Math.max(MIN_BOUND_KM, Math.max(reach[c], half)));
            cells.add(new Cell(region, plane.unproject(centres[c]), bound));
        }
        return cells;
    }

    /** k-means++: each next start drawn with probability proportional to its squared distance from the chosen ones. */
    private static double[][] kMeansPlusPlus(double[][] xy, int k, SplittableRandom random) {
        double[][] centres = new double[k][];
        centres[0] = xy[random.nextInt(xy.length)].clone();
        double[] nearest = new double[xy.length];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < xy.length; i++) {
                nearest[i] = Math.min(nearest[i], squared(xy[i], centres[c - 1]));
                total += nearest[i];
            }
            double draw = random.nextDouble() * total;
            int chosen = 0;
            for (double sum = nearest[0]; sum < draw && chosen < xy.length - 1; sum += nearest[++chosen]) {
                // walks to the point whose share of the total holds the draw
            }
            while (nearest[chosen] == 0) {
                // k never exceeds the distinct points, so one at a positive distance is left
                chosen = (chosen + 1) % xy.length;
            }
            centres[c] = xy[chosen].clone();
        }
        return centres;
    }

    /** @return whether any point changed cell */
    private static boolean assign(double[][] xy, double[][] centres, int[] assignment) {
        boolean changed = false;
        for (int i = 0; i < xy.length; i++) {
            int best = 0;
            for (int c = 1; c < centres.length; c++) {
                if (squared(xy[i], centres[c]) < squared(xy[i], centres[best])) {
                    best = c;
                }
            }
            changed |= assignment[i] != best;
            assignment[i] = best;
        }
        return changed;
    }

    /** Moves each centre to its points' mean; a centre that lost all its points stays where it was. */
    private static void recentre(double[][] xy, double[][] centres, int[] assignment) {
        double[][] sums = new double[centres.length][2];
        int[] counts = new int[centres.length];
        for (int i = 0; i < xy.length; i++) {
            sums[assignment[i]][0] += xy[i][0];
            sums[assignment[i]][1] += xy[i][1];
            counts[assignment[i]]++;
        }
        for (int c = 0; c < centres.length; c++) {
            if (counts[c] > 0) {
                centres[c][0] = sums[c][0] / counts[c];
                centres[c][1] = sums[c][1] / counts[c];
            }
        }
    }

    private static double squared(double[] a, double[] b) {
        double dx = a[0] - b[0];
        double dy = a[1] - b[1];
        return dx * dx + dy * dy;
    }

    /** East and north kilometres around a region's mean point, as {@link CellPartition#offset} measures offsets. */
    private record Plane(LatLon origin) {

        static Plane around(List<LatLon> points) {
            return new Plane(new LatLon(points.stream().mapToDouble(LatLon::latitude).average().orElseThrow(),
                    points.stream().mapToDouble(LatLon::longitude).average().orElseThrow()));
        }

        double[] project(LatLon point) {
            return new double[] {(point.longitude() - origin.longitude()) * CellPartition.KM_PER_DEGREE
                    * Math.cos(Math.toRadians(origin.latitude())),
                    (point.latitude() - origin.latitude()) * CellPartition.KM_PER_DEGREE};
        }

        LatLon unproject(double[] xy) {
            return CellPartition.offset(origin, xy[0], xy[1]);
        }
    }
}
