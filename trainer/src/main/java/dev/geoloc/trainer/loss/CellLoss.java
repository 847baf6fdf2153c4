package dev.geoloc.trainer.loss;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;

import dev.geoloc.cells.Cell;
import dev.geoloc.cells.CellPartition;

/**
 * Trains a cell head ({@link CellPartition}): haversine label smoothing over the cells, as PIGEON trains its
 * geocells, plus a bounded offset regression within the photo's own cell.
 *
 * <pre>q_c    = exp(−d(photo, centre_c) / τ) / Σ_k exp(−d(photo, centre_k) / τ)
 * L_cell = −Σ_c q_c · log softmax(z)_c
 * o*     = (east, north) of the photo from its cell's centre, over the cell's bound, clipped to ±0.99
 * L      = L_cell + w · |tanh(o_cell) − o*|²</pre>
 *
 * <p>The photo's own cell is the nearest cell of its true region: the one the partition's k-means would put it in.
 * Smoothing by distance to the photo rather than to its cell means a photo near a cell's edge also teaches the
 * neighbouring cell, which is what lets a head place photos it has not seen, and its region probabilities (sums
 * over cells) stay distance-aware across region borders.
 */
public final class CellLoss extends Loss {

    /** τ = 0.75 km: the middle of the 0.5-1 km the literature uses at city scale; {@code train --loss cells:tau=..} tunes it. */
    public static final double DEFAULT_TAU_KM = 0.75;
    public static final double DEFAULT_OFFSET_WEIGHT = 1.0;
    /** Regions of a few km split into cells of about 500 m. */
    public static final int DEFAULT_PER_REGION = 16;
    /** Targets stop short of ±1, where tanh's inverse, and so the raw offset, would run off to infinity. */
    private static final float TARGET_LIMIT = 0.99f;

    private final CellPartition partition;
    private final double tauKm;
    private final double offsetWeight;
    private final PhotoDistances distances;
    private final float[] cellRegions;
    // The offset targets are computed in float64: in float32 a longitude near −118° is rounded by up to 0.7 m.
    private final double[] cellLatitudes;
    private final double[] cellLongitudes;
    /** km per degree of longitude at each cell's latitude, over the cell's bound. */
    private final double[] eastScale;
    /** km per degree of latitude, over the cell's bound. */
    private final double[] northScale;

    public CellLoss(CellPartition partition, double tauKm, double offsetWeight) {
        super("cells");
        this.partition = partition;
        this.tauKm = Hyperparameters.positive("tau", tauKm);
        this.offsetWeight = Hyperparameters.nonNegative("offset", offsetWeight);
        List<Cell> cells = partition.cells();
        distances = new PhotoDistances(cells.stream().map(Cell::centre).toList());
        int n = cells.size();
        cellRegions = new float[n];
        cellLatitudes = new double[n];
        cellLongitudes = new double[n];
        eastScale = new double[n];
        northScale = new double[n];
        for (int c = 0; c < n; c++) {
            Cell cell = cells.get(c);
            cellRegions[c] = cell.region();
            cellLatitudes[c] = cell.centre().latitude();
            cellLongitudes[c] = cell.centre().longitude();
            eastScale[c] = CellPartition.KM_PER_DEGREE * Math.cos(Math.toRadians(cell.centre().latitude())) / cell.boundKm();
            northScale[c] = CellPartition.KM_PER_DEGREE / cell.boundKm();
        }
    }

    /**
     * @param labels      {@code labels.get(0)}: int64 [B], the true region indices; {@code labels.get(1)}: float32
     *                    [B, 2], the photos' true (latitude, longitude) in degrees
     * @param predictions one float32 [B, 3C] array: the cell head's output
     * @return the mean loss over the batch, a scalar
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray output = predictions.singletonOrThrow();
        int cells = partition.size();
        Shape shape = output.getShape();
        if (shape.dimension() != 2 || shape.get(1) != partition.headOutputs()) {
            throw new IllegalArgumentException("cells expects the head's output [B, " + partition.headOutputs() + "] for "
                    + cells + " cells; got " + shape);
        }
        if (labels.size() < 2) {
            throw new IllegalArgumentException("cells measures from the photo: labels.get(1) must hold the photos' "
                    + "(latitude, longitude), [B, 2]");
        }
        long batch = shape.get(0);
        try (NDScope scope = new NDScope()) {
            NDArray coordinates = labels.get(1).toDevice(output.getDevice(), false).toType(DataType.FLOAT32, false);
            NDArray kilometres = distances.kilometres(coordinates);
            NDArray targets = kilometres.mul(-1 / tauKm).softmax(1);
            NDArray cellLoss = targets.mul(output.get(":, 0:{}", cells).logSoftmax(1)).sum(new int[] {1}).neg();

            NDArray own = ownCell(labels.get(0), kilometres, output);
            NDArray own64 = own.toType(DataType.FLOAT64, false);
            NDArray precise = labels.get(1).toDevice(output.getDevice(), false).toType(DataType.FLOAT64, false);
            NDArray east = precise.get(":, 1").sub(pick(own64, cellLongitudes)).mul(pick(own64, eastScale));
            NDArray north = precise.get(":, 0").sub(pick(own64, cellLatitudes)).mul(pick(own64, northScale));
            NDArray wanted = east.stack(north, 1).clip(-TARGET_LIMIT, TARGET_LIMIT).toType(DataType.FLOAT32, false);
            NDArray offsets = output.get(":, {}:", cells).reshape(batch, cells, 2).tanh();
            NDArray given = offsets.mul(own.expandDims(2)).sum(new int[] {1});
            NDArray offsetLoss = given.sub(wanted).square().sum(new int[] {1});

            NDArray regionLoss = partition.regionLogits(output).logSoftmax(1)
                    .mul(labels.get(0).toDevice(output.getDevice(), false).toType(DataType.INT64, false)
                            .oneHot(partition.regions(), DataType.FLOAT32)).sum(new int[] {1}).neg();
            NDArray loss = regionLoss.add(cellLoss).add(offsetLoss.mul(offsetWeight)).mean();
            NDScope.unregister(loss);
            return loss;
        }
    }

    /** One-hot [B, C] of each photo's nearest cell within its true region. */
    private NDArray ownCell(NDArray regions, NDArray kilometres, NDArray output) {
        NDArray cellRegion = output.getManager().create(cellRegions, new Shape(1, cellRegions.length))
                .toDevice(output.getDevice(), false);
        NDArray inRegion = cellRegion.eq(regions.toDevice(output.getDevice(), false).toType(DataType.FLOAT32, false)
                .reshape(-1, 1));
        // Cells of other regions are pushed past any distance on Earth, so the nearest is one of the photo's region.
        NDArray outside = inRegion.logicalNot().toType(DataType.FLOAT32, false).mul(1e5f);
        return kilometres.add(outside).argMin(1).oneHot(cellRegions.length, DataType.FLOAT32);
    }

    /** Each photo's own cell's entry of a per-cell table, [B]. */
    private static NDArray pick(NDArray own, double[] table) {
        NDArray column = own.getManager().create(table, new Shape(table.length, 1)).toDevice(own.getDevice(), false);
        return own.matMul(column).reshape(-1);
    }
}
