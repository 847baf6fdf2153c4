package dev.geoloc.cells;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.PhotoSpread;
import dev.geoloc.regions.PointError;

/**
 * Where a cell model's photos may be, cell by cell, for the error bar around the point it answers with.
 *
 * <p>Each region's photo sample (a calibrated bundle's {@link PhotoSpread}) is split among the region's cells by
 * nearest centre; a cell that gets none, and every cell of an uncalibrated bundle, stands at its centre. A cell's
 * probability is its region's, as served, times its share of the region by the cell head's logits (the shares
 * {@link CellPartition#locate} weighs the point by). So the expected error of a point e is
 * Σ_c q_c · mean_{x ∈ S_c} d(e, x), and its radius the smallest r holding the confidence level of that mixture:
 * the region-level estimate's formulas ({@code LocationEstimator}) on the cells' scale, so that a head sure of its
 * cell answers with a tighter bar than its region's. Immutable, safe to share between threads.
 */
public final class CellSpread {

    /** Float probabilities may sum to 1 - 1e-7: a level of 1 must still be reachable. */
    private static final double MASS_SLACK = 1e-6;

    private final CellPartition partition;
    /** Per cell, the points its photos are taken to be at. */
    private final LatLon[][] photos;
    private final double confidenceLevel;

    /**
     * @param spread per region, its sampled training photos; empty for an uncalibrated bundle
     * @throws IllegalArgumentException when the spread is not over the partition's regions, or the level is
     *                                  outside (0, 1]
     */
    public CellSpread(CellPartition partition, Optional<PhotoSpread> spread, double confidenceLevel) {
        if (!(confidenceLevel > 0 && confidenceLevel <= 1)) {
            throw new IllegalArgumentException("confidence level " + confidenceLevel + " is outside (0, 1]");
        }
        if (spread.isPresent() && spread.get().regions() != partition.regions()) {
            throw new IllegalArgumentException("a photo spread over " + spread.get().regions() + " regions for cells of "
                    + partition.regions());
        }
        this.partition = partition;
        this.confidenceLevel = confidenceLevel;
        List<List<LatLon>> byCell = new ArrayList<>();
        for (int c = 0; c < partition.size(); c++) {
            byCell.add(new ArrayList<>());
        }
        spread.ifPresent(regions -> {
            for (int r = 0; r < partition.regions(); r++) {
                for (LatLon photo : regions.of(r)) {
                    byCell.get(nearestCell(partition, r, photo)).add(photo);
                }
            }
        });
        this.photos = new LatLon[partition.size()][];
        for (int c = 0; c < photos.length; c++) {
            List<LatLon> own = byCell.get(c);
            photos[c] = own.isEmpty() ? new LatLon[] {partition.cells().get(c).centre()} : own.toArray(LatLon[]::new);
        }
    }

    public double confidenceLevel() {
        return confidenceLevel;
    }

    /**
     * The expected error and radius around {@code point} for one image.
     *
     * @param headRow             the image's cell head outputs ({@link CellPartition#headOutputs()}), cell logits first
     * @param regionProbabilities per region, as served (temperature-scaled when the bundle is calibrated)
     */
    public PointError errorAt(float[] headRow, float[] regionProbabilities, LatLon point) {
        if (headRow.length != partition.headOutputs() || regionProbabilities.length != partition.regions()) {
            throw new IllegalArgumentException("a cell head row of " + partition.headOutputs() + " numbers and "
                    + partition.regions() + " region probabilities are needed; got " + headRow.length + " and "
                    + regionProbabilities.length);
        }
        int samples = 0;
        for (LatLon[] cell : photos) {
            samples += cell.length;
        }
        double[] distances = new double[samples];
        double[] weights = new double[samples];
        int filled = 0;
        double expected = 0;
        for (int r = 0; r < partition.regions(); r++) {
            int first = partition.firstCell(r);
            int end = partition.firstCell(r + 1);
            float largest = headRow[first];
            for (int c = first + 1; c < end; c++) {
                largest = Math.max(largest, headRow[c]);
            }
            double shares = 0;
            for (int c = first; c < end; c++) {
                shares += Math.exp(headRow[c] - largest);
            }
            for (int c = first; c < end; c++) {
                double cellProbability = regionProbabilities[r] * Math.exp(headRow[c] - largest) / shares;
                for (LatLon photo : photos[c]) {
                    double d = Geodesy.haversineKm(point, photo);
                    double w = cellProbability / photos[c].length;
                    distances[filled] = d;
                    weights[filled] = w;
                    expected += w * d;
                    filled++;
                }
            }
        }
        return new PointError(expected, radiusKm(distances, weights), confidenceLevel);
    }

    /** The smallest sample distance whose disc holds the confidence level of the weights. */
    private double radiusKm(double[] distances, double[] weights) {
        double[] sorted = distances.clone();
        Arrays.sort(sorted);
        // the mass within r only grows with r: bisect for the first sample distance that holds the level
        int low = 0;
        int high = sorted.length - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (massWithin(distances, weights, sorted[middle]) >= confidenceLevel - MASS_SLACK) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return sorted[low];
    }

    private static double massWithin(double[] distances, double[] weights, double radiusKm) {
        double mass = 0;
        for (int i = 0; i < distances.length; i++) {
            if (distances[i] <= radiusKm) {
                mass += weights[i];
            }
        }
        return mass;
    }

    private static int nearestCell(CellPartition partition, int region, LatLon photo) {
        int best = partition.firstCell(region);
        double bestKm = Double.POSITIVE_INFINITY;
        for (int c = partition.firstCell(region); c < partition.firstCell(region + 1); c++) {
            double km = Geodesy.haversineKm(photo, partition.cells().get(c).centre());
            if (km < bestKm) {
                best = c;
                bestKm = km;
            }
        }
        return best;
    }
}
