package dev.geoloc.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDList;

import dev.geoloc.cells.Cell;
import dev.geoloc.cells.CellPartition;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

/** The cell loss against the same formula written out in doubles, and its parts' effects. */
class CellLossTest extends LossTestBase {

    private static final LatLon A = new LatLon(LineCatalog.CENTER_LATITUDES[0], LineCatalog.CENTER_LONGITUDE);
    /** Region a has two cells 0.5 km apart east-west, b and c one cell each at their centres. */
    private static final List<Cell> CELLS = List.of(
            new Cell(0, Geodesy.destination(A, 270, 0.25), 0.3), new Cell(0, Geodesy.destination(A, 90, 0.25), 0.3),
            new Cell(1, new LatLon(LineCatalog.CENTER_LATITUDES[1], LineCatalog.CENTER_LONGITUDE), 0.5),
            new Cell(2, new LatLon(LineCatalog.CENTER_LATITUDES[2], LineCatalog.CENTER_LONGITUDE), 0.5));
    private static final CellPartition PARTITION = new CellPartition(CELLS, 3);

    @Test
    void isRegionCrossEntropyPlusHaversineSmoothedCellCrossEntropyPlusTheOwnCellsOffsetError() {
        // Given a photo in region a, 0.1 km north of its east cell's centre, and a head output with offsets
        LatLon exact = Geodesy.destination(CELLS.get(1).centre(), 0, 0.1);
        LatLon photo = new LatLon((float) exact.latitude(), (float) exact.longitude()); // as the labels hold it
        double[] row = {0.5, 1.5, -1, 0.2, /* offsets east, north per cell */ 0.1, 0.2, 0.4, -0.3, 0, 0, 0, 0};
        double tau = 0.75;
        double weight = 2;
        CellLoss loss = new CellLoss(PARTITION, tau, weight);

        // When it is evaluated
        double value = value(loss, photos(new long[] {0}, new float[][] {{(float) photo.latitude(),
                (float) photo.longitude()}}), logits(row));

        // Then it is the formula, computed here in doubles
        double[] logSoftmax = logSoftmax(new double[] {row[0], row[1], row[2], row[3]});
        double region = -Math.log(Math.exp(logSoftmax[0]) + Math.exp(logSoftmax[1]));
        double[] smoothing = new double[4];
        double total = 0;
        for (int c = 0; c < 4; c++) {
            smoothing[c] = Math.exp(-Geodesy.haversineKm(photo, CELLS.get(c).centre()) / tau);
            total += smoothing[c];
        }
        double cells = 0;
        for (int c = 0; c < 4; c++) {
            cells -= smoothing[c] / total * logSoftmax[c];
        }
        LatLon own = CELLS.get(1).centre();
        double east = (photo.longitude() - own.longitude()) * CellPartition.KM_PER_DEGREE
                * Math.cos(Math.toRadians(own.latitude())) / 0.3;
        double north = (photo.latitude() - own.latitude()) * CellPartition.KM_PER_DEGREE / 0.3;
        double offset = Math.pow(Math.tanh(0.4) - east, 2) + Math.pow(Math.tanh(-0.3) - north, 2);
        assertThat(north).isCloseTo(0.1 / 0.3, within(1e-3));
        assertThat(value).isCloseTo(region + cells + weight * offset, within(1e-4));
    }

    @Test
    void learnsOffsetsOnlyForThePhotosOwnCell() {
        LatLon photo = Geodesy.destination(CELLS.get(0).centre(), 180, 0.2);
        NDList labels = photos(new long[] {0}, new float[][] {{(float) photo.latitude(), (float) photo.longitude()}});
        CellLoss loss = new CellLoss(PARTITION, 0.75, 1);

        float[][] gradient = gradient(loss, labels, logits(new double[] {1, 0, 0, 0, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3}));

        // the west cell's offsets (columns 4, 5) are pulled; the other cells' offsets get no gradient
        assertThat(gradient[0][4]).isNotZero();
        assertThat(gradient[0][5]).isPositive().as("the photo is south of the cell's centre: the north offset falls");
        for (int column = 6; column < 12; column++) {
            assertThat(gradient[0][column]).isZero();
        }
    }

    @Test
    void aCellLossNeedsItsCellsAndTheHeadsWholeOutput() {
        assertThatThrownBy(() -> Losses.create(LossSpec.parse("cells"), catalog, Optional.empty()))
                .hasMessageContaining("needs the cells");
        CellLoss loss = new CellLoss(PARTITION, 0.75, 1);
        assertThatThrownBy(() -> value(loss, photos(new long[] {0}, new float[][] {{34f, -118f}}),
                logits(new double[] {1, 2, 3, 4})))
                .hasMessageContaining("[B, 12] for 4 cells");
    }

    @Test
    void parsesItsParametersAndWritesThemBack() {
        LossSpec spec = LossSpec.parse("cells:tau=0.5,per-region=20,offset=2");

        assertThat(spec.trainsCells()).isTrue();
        assertThat(spec.cellsPerRegion()).isEqualTo(20);
        assertThat(spec.tauKm()).isEqualTo(0.5);
        assertThat(spec.toString()).isEqualTo("cells:per-region=20,tau=0.5,offset=2");
        assertThat(LossSpec.parse(spec.toString())).isEqualTo(spec);
        assertThat(LossSpec.parse("ce").trainsCells()).isFalse();
        assertThatThrownBy(() -> LossSpec.parse("cells:per-region=2.5")).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> LossSpec.parse("cells:tau=0")).hasMessageContaining("tau");
    }

    private static double[] logSoftmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - max - Math.log(sum);
        }
        return out;
    }
}
