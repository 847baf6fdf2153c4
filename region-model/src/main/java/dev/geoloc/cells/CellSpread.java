package dev.geoloc.cells;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.MixtureRadius;
import dev.geoloc.regions.NearbyPoints;
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

    private final CellPartition partition;
    /** Every cell's photos, cell after cell: those of cell c from firstPhoto[c] to firstPhoto[c + 1]. */
    private final NearbyPoints photos;
    private final int[] firstPhoto;
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
        List<LatLon> all = new ArrayList<>();
        this.firstPhoto = new int[partition.size() + 1];
        for (int c = 0; c < partition.size(); c++) {
            firstPhoto[c] = all.size();
            List<LatLon> own = byCell.get(c);
            all.addAll(own.isEmpty() ? List.of(partition.cells().get(c).centre()) : own);
        }
        firstPhoto[partition.size()] = all.size();
        this.photos = new NearbyPoints(all);
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
        double[] distances = new double[photos.size()];
        photos.distancesKm(point, distances, 0);
        double[] weights = new double[photos.size()];
        double[] share = new double[partition.size()];
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
                share[c] = Math.exp(headRow[c] - largest);
                shares += share[c];
            }
            for (int c = first; c < end; c++) {
                double cellProbability = regionProbabilities[r] * share[c] / shares;
                double each = cellProbability / (firstPhoto[c + 1] - firstPhoto[c]);
                for (int i = firstPhoto[c]; i < firstPhoto[c + 1]; i++) {
                    weights[i] = each;
                    expected += each * distances[i];
                }
            }
        }
        return new PointError(expected, MixtureRadius.km(distances, weights, confidenceLevel), confidenceLevel);
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
