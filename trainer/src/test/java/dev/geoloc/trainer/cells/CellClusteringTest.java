package dev.geoloc.trainer.cells;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.geoloc.cells.Cell;
import dev.geoloc.cells.CellPartition;
import dev.geoloc.model.CellsFile;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

class CellClusteringTest {

    private static final LatLon WEST = new LatLon(34.05, -118.30);
    private static final LatLon EAST = Geodesy.destination(WEST, 90, 1.0);
    private static final LatLon NORTH = new LatLon(34.20, -118.30);

    /** Region 0: 10 photos within 50 m of WEST and 10 of EAST; region 1: 4 photos at one place, NORTH. */
    private static Photos photos() {
        Photos photos = new Photos();
        for (int k = 0; k < 10; k++) {
            photos.add(0, Geodesy.destination(WEST, 36 * k, 0.05));
            photos.add(0, Geodesy.destination(EAST, 36 * k, 0.05));
        }
        for (int k = 0; k < 4; k++) {
            photos.add(1, NORTH);
        }
        return photos;
    }

    @Test
    void cellsFollowWherePhotosAreAndAPlaceAloneGetsOneCell() {
        Photos photos = photos();

        CellPartition partition = photos.cluster(2, 7).partition();

        // Region 0's two groups each get a cell at their middle; region 1's single place one cell, not two
        assertThat(partition.size()).isEqualTo(3);
        List<LatLon> centres = partition.cells().subList(0, 2).stream().map(Cell::centre).toList();
        assertThat(centres).anySatisfy(c -> assertThat(Geodesy.haversineKm(c, WEST)).isLessThan(0.01));
        assertThat(centres).anySatisfy(c -> assertThat(Geodesy.haversineKm(c, EAST)).isLessThan(0.01));
        assertThat(partition.cells().get(2).centre().latitude()).isCloseTo(NORTH.latitude(), within(1e-6));
        // a bound reaches half way to the neighbouring cell, beyond the group's own 50 m
        assertThat(partition.cells().get(0).boundKm()).isCloseTo(0.5, within(0.01));
        assertThat(partition.cells().get(2).boundKm()).isEqualTo(CellClustering.MIN_BOUND_KM);
    }

    @Test
    void theSamePhotosAndSeedGiveTheSameCells() {
        Photos photos = photos();
        assertThat(photos.cluster(2, 7).partition().cells()).isEqualTo(photos.cluster(2, 7).partition().cells());
        assertThat(photos.cluster(2, 7).source()).contains("up to 2 per region, seed 7");
    }

    @Test
    void aRegionWithoutPhotosIsRefused() {
        Photos photos = new Photos();
        photos.add(0, WEST);
        assertThatThrownBy(() -> CellClustering.cluster(photos.regions(), photos.latitudes(), photos.longitudes(), 2, 4, 1))
                .hasMessageContaining("region 1 has no training photo");
    }

    private static final class Photos {
        private final List<Integer> regions = new ArrayList<>();
        private final List<LatLon> points = new ArrayList<>();

        void add(int region, LatLon point) {
            regions.add(region);
            points.add(point);
        }

        int[] regions() {
            return regions.stream().mapToInt(Integer::intValue).toArray();
        }

        float[] latitudes() {
            float[] values = new float[points.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) points.get(i).latitude();
            }
            return values;
        }

        float[] longitudes() {
            float[] values = new float[points.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) points.get(i).longitude();
            }
            return values;
        }

        CellsFile.Contents cluster(int perRegion, long seed) {
            return CellClustering.cluster(regions(), latitudes(), longitudes(), 2, perRegion, seed);
        }
    }
}
