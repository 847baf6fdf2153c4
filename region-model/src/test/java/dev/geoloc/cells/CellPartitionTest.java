package dev.geoloc.cells;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import dev.geoloc.model.InferenceDevice;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

/** How a cell head's output is read: region logits folded from cells, and a photo placed in a cell. */
class CellPartitionTest {

    private static final LatLon A = new LatLon(34.05, -118.25);
    private static final LatLon B = new LatLon(34.10, -118.30);
    /** Region 0 has two cells, region 1 has three. */
    private static final CellPartition PARTITION = new CellPartition(List.of(
            new Cell(0, A, 0.2), new Cell(0, Geodesy.destination(A, 90, 0.5), 0.2),
            new Cell(1, B, 0.4), new Cell(1, Geodesy.destination(B, 0, 0.5), 0.4),
            new Cell(1, Geodesy.destination(B, 180, 0.5), 0.4)), 2);

    @Test
    void regionProbabilitiesAreTheSumsOfTheirCellsProbabilities() {
        try (NDManager manager = NDManager.newBaseManager(InferenceDevice.ENGINE)) {
            // Given a cell head's output for two images, logits far apart so a naive exp would overflow
            float[] output = new float[2 * PARTITION.headOutputs()];
            Random random = new Random(3);
            for (int i = 0; i < output.length; i++) {
                output[i] = (float) random.nextGaussian() * 4;
            }
            output[1] = 120f;
            NDArray head = manager.create(output, new Shape(2, PARTITION.headOutputs()));

            // When its region logits are folded from the cells
            float[] regions = PARTITION.regionLogits(head).softmax(1).toFloatArray();
            float[] cells = head.get(":, 0:5").softmax(1).toFloatArray();

            // Then each region's probability is its cells' sum
            assertThat(regions).hasSize(4);
            for (int image = 0; image < 2; image++) {
                assertThat(regions[2 * image]).isCloseTo(cells[5 * image] + cells[5 * image + 1], within(1e-5f));
                assertThat(regions[2 * image + 1]).isCloseTo(cells[5 * image + 2] + cells[5 * image + 3]
                        + cells[5 * image + 4], within(1e-5f));
            }
            assertThat(regions[0]).isCloseTo(1f, within(1e-5f));
        }
    }

    @Test
    void aCellFarAheadPlacesThePhotoAtItsCentreMovedByItsBoundedOffset() {
        // Given a head row whose best cell overall is in region 0, and whose region-1 cells are led by far by the third
        float[] row = new float[PARTITION.headOutputs()];
        row[0] = 90;
        row[2] = 1;
        row[3] = 40;
        row[4] = 2;
        int offsets = PARTITION.size() + 2 * 3;
        row[offsets] = 0.5f;     // east
        row[offsets + 1] = -40f; // north, far past the bound

        // When it is placed in region 1, served at probability 0.4
        CellPoint placed = PARTITION.locate(row, 1, 0.4);

        // Then it is region 1's leading cell, moved tanh(0.5) x 0.4 km east and the whole bound south
        assertThat(placed.cell()).isEqualTo(3);
        LatLon centre = PARTITION.cells().get(3).centre();
        LatLon expected = CellPartition.offset(centre, Math.tanh(0.5) * 0.4, -0.4);
        assertThat(placed.point().latitude()).isCloseTo(expected.latitude(), within(1e-9));
        assertThat(placed.point().longitude()).isCloseTo(expected.longitude(), within(1e-9));
        assertThat(Geodesy.haversineKm(centre, placed.point())).isCloseTo(Math.hypot(Math.tanh(0.5) * 0.4, 0.4),
                within(1e-3));
        assertThat(placed.probability()).isCloseTo(0.4, within(1e-9));
    }

    @Test
    void cellsTheHeadCannotTellApartPlaceThePhotoAtTheirMiddle() {
        // Given region 1's three cells, on a north-south line 0.5 km apart, equally likely and without offsets
        float[] row = new float[PARTITION.headOutputs()];

        // When a photo is placed in region 1
        CellPoint placed = PARTITION.locate(row, 1, 0.9);

        // Then it is at the middle one's centre, B, and each cell has a third of the region's probability
        assertThat(Geodesy.haversineKm(placed.point(), B)).isLessThan(1e-3);
        assertThat(placed.probability()).isCloseTo(0.3, within(1e-9));
    }

    @Test
    void everyRegionNeedsACellAndCellsComeInRegionOrder() {
        assertThatThrownBy(() -> new CellPartition(List.of(new Cell(0, A, 0.2)), 2))
                .hasMessageContaining("region 1 has no cell");
        assertThatThrownBy(() -> new CellPartition(List.of(new Cell(1, B, 0.2), new Cell(0, A, 0.2)), 2))
                .hasMessageContaining("region 0 has no cell");
        assertThatThrownBy(() -> new CellPartition(List.of(new Cell(0, A, 0.2), new Cell(1, B, 0.2),
                new Cell(0, A, 0.2)), 2)).hasMessageContaining("out of order");
        assertThatThrownBy(() -> new Cell(0, A, 0)).hasMessageContaining("offset bound");
    }
}
