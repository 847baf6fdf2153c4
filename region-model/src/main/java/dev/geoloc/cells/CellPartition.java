package dev.geoloc.cells;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

/**
 * The cells of a model's regions, and how its cell head's output is read.
 *
 * <p>A cell head answers each image with {@code 3 x C} numbers ({@link #headOutputs()}): first a logit per cell,
 * then a raw offset per cell, east then north. Cells are ordered by region, so each region's cells are one run of
 * columns, and a region's logit is the log-sum-exp of its cells' ({@link #regionLogits}): the softmax over regions
 * is then exactly the sum of the cells' probabilities, and everything built on region logits (temperature,
 * fusion, retrieval, the reference outputs) works unchanged. A raw offset {@code o} moves the cell's centre by
 * {@code tanh(o) x boundKm} kilometres, so the answer never leaves the square its training photos span.
 *
 * <p>Offsets are east and north kilometres on the local tangent plane ({@link #offset}): at a cell's scale (a
 * few hundred metres) the plane is within millimetres of the sphere.
 */
public final class CellPartition {

    /** More cells than any city partition needs (30 a region over 100 regions), and few enough to bound a bundle. */
    public static final int MAX_CELLS = 4096;
    /** A cell is a few hundred metres across; an offset of more than this is a region, not a cell. */
    public static final double MAX_BOUND_KM = 50;
    /** Kilometres per degree of latitude on the mean sphere; a degree of longitude is this times cos(latitude). */
    public static final double KM_PER_DEGREE = Math.PI * Geodesy.EARTH_RADIUS_KM / 180;

    private final List<Cell> cells;
    /** firstCell[r] is region r's first cell; firstCell[regions] is the cell count. */
    private final int[] firstCell;

    /**
     * @param regions the catalog's size: every region must have at least one cell
     * @throws IllegalArgumentException when the cells are not ordered by region, a region has none, or there are
     *                                  more than {@value #MAX_CELLS}
     */
    public CellPartition(List<Cell> cells, int regions) {
        this.cells = List.copyOf(cells);
        if (this.cells.size() > MAX_CELLS) {
            throw new IllegalArgumentException(this.cells.size() + " cells, more than " + MAX_CELLS);
        }
        firstCell = new int[regions + 1];
        int cell = 0;
        for (int r = 0; r < regions; r++) {
            firstCell[r] = cell;
            while (cell < this.cells.size() && this.cells.get(cell).region() == r) {
                cell++;
            }
            if (cell == firstCell[r]) {
                throw new IllegalArgumentException("region " + r + " has no cell (cells must be ordered by region, "
                        + "and every region needs one)");
            }
        }
        if (cell != this.cells.size()) {
            throw new IllegalArgumentException("cell " + cell + " names region " + this.cells.get(cell).region()
                    + ", out of order or not one of the " + regions + " regions");
        }
        firstCell[regions] = cell;
    }

    public List<Cell> cells() {
        return cells;
    }

    public int size() {
        return cells.size();
    }

    public int regions() {
        return firstCell.length - 1;
    }

    /** How many numbers the cell head gives per image: a logit and two raw offsets per cell. */
    public int headOutputs() {
        return 3 * cells.size();
    }

    /** Region {@code region}'s cells are {@code [firstCell(region), firstCell(region + 1))}. */
    public int firstCell(int region) {
        return firstCell[region];
    }

    /**
     * Region logits from the cell head's output: [B, 3C] to [B, R], each region the log-sum-exp of its cells'
     * logits. Differentiable, so training reads its region accuracy through the same fold.
     */
    public NDArray regionLogits(NDArray headOutput) {
        NDList regions = new NDList(regions());
        for (int r = 0; r < regions(); r++) {
            NDArray cellLogits = headOutput.get(new NDIndex(":, {}:{}", firstCell[r], firstCell[r + 1]));
            // log Σ exp(x) = m + log Σ exp(x − m), with m the row's largest logit, so that no exp overflows
            NDArray largest = cellLogits.max(new int[] {1}, true);
            regions.add(cellLogits.sub(largest).exp().sum(new int[] {1}, true).log().add(largest));
        }
        return NDArrays.concat(regions, 1);
    }

    /**
     * Where the head places one image within {@code region}: the mean of the region's cells' points (each centre
     * moved by its offset) weighted by the cells' probabilities. With one cell far ahead this is that cell's point;
     * when the head cannot tell the cells apart it falls back towards the region's middle, which is nearer the truth
     * on average than a confident guess of the wrong cell.
     *
     * @param headRow           the image's {@link #headOutputs()} numbers
     * @param regionProbability the region's probability as it is served, which the cells' are shares of
     */
    public CellPoint locate(float[] headRow, int region, double regionProbability) {
        if (headRow.length != headOutputs()) {
            throw new IllegalArgumentException("a cell head row has " + headOutputs() + " numbers; got " + headRow.length);
        }
        int first = firstCell[region];
        int end = firstCell[region + 1];
        int best = first;
        for (int c = first + 1; c < end; c++) {
            if (headRow[c] > headRow[best]) {
                best = c;
            }
        }
        double shares = 0;
        double east = 0;
        double north = 0;
        LatLon origin = cells.get(best).centre();
        for (int c = first; c < end; c++) {
            double weight = Math.exp(headRow[c] - headRow[best]);
            LatLon point = point(headRow, c);
            // means of east/north kilometres from the best cell, the plane offsets are measured on
            east += weight * (point.longitude() - origin.longitude()) * KM_PER_DEGREE * Math.cos(Math.toRadians(origin.latitude()));
            north += weight * (point.latitude() - origin.latitude()) * KM_PER_DEGREE;
            shares += weight;
        }
        return new CellPoint(best, regionProbability / shares, offset(origin, east / shares, north / shares));
    }

    /** Cell {@code c}'s centre moved by its offset in {@code headRow}. */
    private LatLon point(float[] headRow, int c) {
        Cell cell = cells.get(c);
        int offsets = cells.size() + 2 * c;
        return offset(cell.centre(), Math.tanh(headRow[offsets]) * cell.boundKm(),
                Math.tanh(headRow[offsets + 1]) * cell.boundKm());
    }

    /** The point {@code eastKm} east and {@code northKm} north of {@code centre}, on its tangent plane. */
    public static LatLon offset(LatLon centre, double eastKm, double northKm) {
        double latitude = centre.latitude() + northKm / KM_PER_DEGREE;
        double longitude = centre.longitude() + eastKm / (KM_PER_DEGREE * Math.cos(Math.toRadians(centre.latitude())));
        return new LatLon(latitude, longitude);
    }
}
