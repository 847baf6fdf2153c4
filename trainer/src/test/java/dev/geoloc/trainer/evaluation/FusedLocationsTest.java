package dev.geoloc.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import dev.geoloc.regions.LocationEstimator;
import dev.geoloc.regions.RegionCatalog;

class FusedLocationsTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();

    @Test
    void aLocationWhoseViewsMostlyAgreeIsRightOnceFusedAndEachLocationCountsOnce() {
        // Given location a: three views sure of region 0, one sure of region 1; location b: four views split 1 and 2
        EvaluationAccumulator images = new EvaluationAccumulator(LA);
        for (int view = 0; view < 4; view++) {
            images.add("a", 0, LA.center(0), view < 3 ? sure(0, 0.7f) : sure(1, 0.9f));
            images.add("b", 2, LA.center(2), view % 2 == 0 ? sure(1, 0.5f) : sure(2, 0.6f));
        }
        Evaluation single = images.result();

        // When they are fused by location
        FusedLocations fused = FusedLocations.of(single, LA, new LocationEstimator(LA, 0.9));

        // Then there is one answer per location, each region the views' consensus
        assertThat(fused.fused().samples()).isEqualTo(2);
        assertThat(fused.fused().outcomes()).extracting(ImageOutcome::locationId).containsExactly("a", "b");
        assertThat(fused.fused().outcomes()).extracting(ImageOutcome::predictedRegion).containsExactly(0, 2);
        assertThat(fused.fused().accuracy()).isEqualTo(1.0);
        assertThat(single.accuracy()).isEqualTo(5 / 8.0);
        // and the report says by how much, with its interval, and whether the targets are met
        StringWriter text = new StringWriter();
        fused.print(new PrintWriter(text, true), new LocationBootstrap(200, 1));
        assertThat(text.toString()).contains("2 locations of 4 to 4 views", "accuracy +37.5 [",
                "accuracy at least +6 points: met");
    }

    @Test
    void imagesScoredWithoutProbabilitiesCannotBeFused() {
        EvaluationAccumulator images = new EvaluationAccumulator(LA);
        images.add("a", 0, LA.center(0), 0, LA.center(0));

        assertThatThrownBy(() -> FusedLocations.of(images.result(), LA, new LocationEstimator(LA, 0.9)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without probabilities");
    }

    /** Probability {@code p} on one region, the rest spread evenly. */
    private static float[] sure(int region, float p) {
        float[] probabilities = new float[LA.size()];
        java.util.Arrays.fill(probabilities, (1 - p) / (LA.size() - 1));
        probabilities[region] = p;
        return probabilities;
    }
}
