package dev.geoloc.panorama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class PanoramaFusionTest {

    @Test
    void oneViewIsItsOwnFusion() {
        float[] view = {0.7f, 0.2f, 0.1f};

        assertThat(PanoramaFusion.fuse(List.of(view))).containsExactly(new float[] {0.7f, 0.2f, 0.1f}, within(1e-6f));
    }

    @Test
    void viewsThatAgreeOnARegionOutvoteOneThatDoesNot() {
        float[] east = {0.6f, 0.3f, 0.1f};
        float[] west = {0.1f, 0.6f, 0.3f};

        float[] fused = PanoramaFusion.fuse(List.of(east, east, east, west));

        assertThat(fused[0]).isGreaterThan(fused[1]).isGreaterThan(fused[2]);
        assertThat(fused[0] + fused[1] + fused[2]).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void theFusedDistributionIsTheNormalisedGeometricMean() {
        float[] a = {0.5f, 0.25f, 0.25f};
        float[] b = {0.125f, 0.5f, 0.375f};

        float[] fused = PanoramaFusion.fuse(List.of(a, b));

        double[] geometric = {Math.sqrt(0.5 * 0.125), Math.sqrt(0.25 * 0.5), Math.sqrt(0.25 * 0.375)};
        double total = geometric[0] + geometric[1] + geometric[2];
        for (int j = 0; j < 3; j++) {
            assertThat((double) fused[j]).isCloseTo(geometric[j] / total, within(1e-6));
        }
    }

    @Test
    void aZeroProbabilityDoesNotVetoARegion() {
        float[] sure = {0f, 1f};
        float[] others = {0.9f, 0.1f};

        float[] fused = PanoramaFusion.fuse(List.of(others, others, others, sure));

        assertThat(fused[0]).isGreaterThan(0f);
        assertThat(fused[0] + fused[1]).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void viewsOverDifferentRegionsAreRefused() {
        assertThatThrownBy(() -> PanoramaFusion.fuse(List.of(new float[3], new float[4])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 and 4 regions");
        assertThatThrownBy(() -> PanoramaFusion.fuse(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
