package dev.geoloc.cells;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.PhotoSpread;
import dev.geoloc.regions.PointError;

/** The error bar around a cell model's point: its photos split among the cells, weighed by the cells' shares. */
class CellSpreadTest {

    private static final LatLon A = new LatLon(34.05, -118.25);
    private static final LatLon EAST = Geodesy.destination(A, 90, 1.0);
    private static final LatLon B = new LatLon(34.10, -118.30);
    /** Region 0 has a cell at A and one 1 km east of it; region 1 has one cell at B. */
    private static final CellPartition PARTITION = new CellPartition(List.of(
            new Cell(0, A, 0.3), new Cell(0, EAST, 0.3), new Cell(1, B, 0.3)), 2);
    /** Two photos 100 m north and south of A, one 200 m north of the east cell; none in region 1. */
    private static final LatLon NEAR_A_NORTH = Geodesy.destination(A, 0, 0.1);
    private static final LatLon NEAR_A_SOUTH = Geodesy.destination(A, 180, 0.1);
    private static final LatLon NEAR_EAST = Geodesy.destination(EAST, 0, 0.2);
    private static final PhotoSpread SPREAD = new PhotoSpread(List.of(
            List.of(NEAR_A_NORTH, NEAR_A_SOUTH, NEAR_EAST), List.of()));

    @Test
    void aHeadSureOfItsCellGivesThatCellsPhotosDistances() {
        // Given region 0 certain, and its first cell far ahead of the second
        CellSpread spread = new CellSpread(PARTITION, Optional.of(SPREAD), 0.9);
        float[] head = headRow(20f, 0f, 0f);

        // When the error bar is taken at A
        PointError error = spread.errorAt(head, new float[] {1f, 0f}, A);

        // Then it is the first cell's two photos, 100 m each, and not the region's 1 km spread
        assertThat(error.expectedErrorKm()).isCloseTo(0.1, within(1e-3));
        assertThat(error.confidenceRadiusKm()).isCloseTo(0.1, within(1e-3));
        assertThat(error.confidenceLevel()).isEqualTo(0.9);
    }

    @Test
    void cellsShareTheirRegionsProbabilityByTheHeadsLogits() {
        // Given region 0 at 0.8, its two cells even, and region 1 at 0.2
        CellSpread spread = new CellSpread(PARTITION, Optional.of(SPREAD), 0.9);
        float[] head = headRow(1f, 1f, 5f);

        // When the error bar is taken at A
        PointError error = spread.errorAt(head, new float[] {0.8f, 0.2f}, A);

        // Then each cell carries 0.4, spread evenly over its photos; region 1, without photos, stands at its centre
        double toEast = Geodesy.haversineKm(A, NEAR_EAST);
        double toB = Geodesy.haversineKm(A, B);
        assertThat(error.expectedErrorKm()).isCloseTo(0.4 * 0.1 + 0.4 * toEast + 0.2 * toB, within(1e-3));
        // 0.4 within 100 m, 0.8 within the east photo, 1.0 at B: 90 % needs B
        assertThat(error.confidenceRadiusKm()).isCloseTo(toB, within(1e-3));
    }

    @Test
    void withoutASpreadEveryCellStandsAtItsCentre() {
        CellSpread spread = new CellSpread(PARTITION, Optional.empty(), 0.5);

        PointError error = spread.errorAt(headRow(0f, 0f, 0f), new float[] {1f, 0f}, A);

        // half at A itself, half 1 km east: a 50 % disc of radius 0
        assertThat(error.expectedErrorKm()).isCloseTo(0.5 * 1.0, within(1e-3));
        assertThat(error.confidenceRadiusKm()).isEqualTo(0.0);
    }

    @Test
    void aSpreadOverOtherRegionsIsRefused() {
        assertThatThrownBy(() -> new CellSpread(PARTITION, Optional.of(new PhotoSpread(List.of(List.of()))), 0.9))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 regions");
        CellSpread spread = new CellSpread(PARTITION, Optional.of(SPREAD), 0.9);
        assertThatThrownBy(() -> spread.errorAt(new float[3], new float[] {1f, 0f}, A))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A head row with these cell logits and zero offsets. */
    private static float[] headRow(float... logits) {
        float[] row = new float[PARTITION.headOutputs()];
        System.arraycopy(logits, 0, row, 0, logits.length);
        return row;
    }
}
