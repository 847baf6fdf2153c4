package dev.geoloc.trainer.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import dev.geoloc.regions.BoundingBox;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;

class GridSamplerTest {

    /** About 2.3 km wide and 1.1 km high at LA's latitude. */
    private final BoundingBox wide = new BoundingBox(34.00, -118.30, 34.01, -118.275);

    @Test
    void gridFollowsTheBoxShapeInKilometres() {
        GridSampler.Shape shape = GridSampler.shape(wide, 50);
        assertThat(shape.cols()).isGreaterThan(shape.rows());
        assertThat(shape.cells()).isGreaterThanOrEqualTo(50);
        double rowSpacingKm = wide.heightKm() / shape.rows();
        double colSpacingKm = wide.widthKm() / shape.cols();
        assertThat(rowSpacingKm / colSpacingKm).isBetween(0.7, 1.4);
    }

    @Test
    void givesExactlyNDistinctPointsInsideTheBox() {
        for (int n : new int[] {1, 2, 7, 50, 1000}) {
            List<LatLon> points = GridSampler.grid(wide, n);
            assertThat(points).hasSize(n).allMatch(wide::contains);
            assertThat(new HashSet<>(points)).hasSize(n);
        }
    }

    @Test
    void spareCellsAreSpreadRatherThanAllMissingFromTheLastRow() {
        List<LatLon> points = GridSampler.grid(wide, 7);
        double lowest = points.stream().mapToDouble(LatLon::latitude).min().orElseThrow();
        double highest = points.stream().mapToDouble(LatLon::latitude).max().orElseThrow();
        assertThat(highest - lowest).isGreaterThan(0.004);
    }

    @Test
    void replacementsFollowTheGridStayInsideAndAreDeterministic() {
        List<LatLon> grid = GridSampler.grid(wide, 12);
        List<LatLon> candidates = GridSampler.candidates(wide, 12).limit(60).toList();
        assertThat(candidates.subList(0, 12)).isEqualTo(grid);
        assertThat(candidates).allMatch(wide::contains);
        assertThat(new HashSet<>(candidates)).hasSize(60);
        assertThat(GridSampler.candidates(wide, 12).limit(60).toList()).isEqualTo(candidates);
    }

    @Test
    void haltonFillsTheBoxEvenly() {
        int[] quadrants = new int[4];
        LatLon center = wide.center();
        for (long i = 1; i <= 400; i++) {
            LatLon p = GridSampler.replacement(wide, i);
            quadrants[(p.latitude() > center.latitude() ? 2 : 0) + (p.longitude() > center.longitude() ? 1 : 0)]++;
        }
        assertThat(Arrays.stream(quadrants).boxed().toList()).allSatisfy(count -> assertThat(count).isBetween(90, 110));
        assertThat(GridSampler.radicalInverse(1, 2)).isEqualTo(0.5);
        assertThat(GridSampler.radicalInverse(6, 2)).isEqualTo(0.375);
        assertThat(GridSampler.radicalInverse(5, 3)).isCloseTo(7.0 / 9, Offset.offset(1e-12));
    }

    @Test
    void everyCatalogRegionGetsItsSamples() {
        for (Region region : RegionCatalog.losAngeles().regions()) {
            assertThat(GridSampler.grid(region.bbox(), region.sampling().numSamples()))
                    .hasSize(region.sampling().numSamples()).allMatch(region::contains);
        }
    }

    @Test
    void rejectsZeroSamples() {
        assertThatThrownBy(() -> GridSampler.grid(wide, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
