package dev.geoloc.trainer.evaluation;

import static dev.geoloc.trainer.evaluation.LineCatalog.A;
import static dev.geoloc.trainer.evaluation.LineCatalog.B;
import static dev.geoloc.trainer.evaluation.LineCatalog.C;
import static dev.geoloc.trainer.evaluation.LineCatalog.CATALOG;
import static dev.geoloc.trainer.evaluation.LineCatalog.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.geoloc.panorama.PanoramaFusion;
import dev.geoloc.regions.LocationEstimator;

class FusedLocationsTest {

    private static final LocationEstimator ESTIMATOR = new LocationEstimator(CATALOG, 0.9);

    /**
     * Three views (A .7, B .2, C .1) and one (A .05, B .9, C .05). Mean log-probability: A (3 ln .7 + ln .05) / 4
     * = −1.0164, B (3 ln .2 + ln .9) / 4 = −1.2334, C (3 ln .1 + ln .05) / 4 = −2.4759; softmax: A .4909.
     */
    @Test
    void threeViewsOfFourRightMakeTheLocationRight() {
        EvaluationAccumulator images = new EvaluationAccumulator(CATALOG);
        for (int view = 0; view < 3; view++) {
            images.add("p", A, at(0.005), new float[] {0.7f, 0.2f, 0.1f});
        }
        images.add("p", A, at(0.005), new float[] {0.05f, 0.9f, 0.05f});
        Evaluation single = images.result();

        FusedLocations fused = FusedLocations.of(single, CATALOG, ESTIMATOR);

        assertThat(single.accuracy()).isEqualTo(0.75);
        assertThat(fused.fused().samples()).isEqualTo(1);
        ImageOutcome location = fused.fused().outcomes().get(0);
        assertThat(location.locationId()).isEqualTo("p");
        assertThat(location.predictedRegion()).isEqualTo(A);
        assertThat(location.correct()).isTrue();
        assertThat(location.forecast().orElseThrow().probability(A)).isCloseTo(0.4909, within(1e-3));
        // the estimate is the model's estimator's, from the fused probabilities, as the stream makes it
        float[] expected = PanoramaFusion.fuse(single.outcomes().stream()
                .map(view -> view.forecast().orElseThrow().probabilities()).toList());
        assertThat(location.forecast().orElseThrow().probabilities()).containsExactly(expected);
        assertThat(location.estimate()).isEqualTo(ESTIMATOR.estimate(expected).location());
        assertThat(location.truePoint()).isEqualTo(at(0.005));
    }

    /**
     * Two views sure of A (.9, .05, .05), two leaning to the truth B (.3, .6, .1): A (ln .9 + ln .3) / 2 = −0.65
     * against B (ln .05 + ln .6) / 2 = −1.75. The mean of log-probabilities heeds how sure each view is, so two
     * sure views outvote two hesitant ones: half the views were right, the location is wrong.
     */
    @Test
    void viewsThatDisagreeAreSettledByHowSureEachIs() {
        EvaluationAccumulator images = new EvaluationAccumulator(CATALOG);
        for (int view = 0; view < 4; view++) {
            images.add("q", B, at(0.1), view < 2 ? new float[] {0.9f, 0.05f, 0.05f} : new float[] {0.3f, 0.6f, 0.1f});
        }

        FusedLocations fused = FusedLocations.of(images.result(), CATALOG, ESTIMATOR);

        assertThat(fused.single().accuracy()).isEqualTo(0.5);
        assertThat(fused.fused().outcomes()).extracting(ImageOutcome::predictedRegion).containsExactly(A);
        assertThat(fused.fused().accuracy()).isZero();
        assertThat(fused.fused().distance(ErrorMeasure.REGION_CENTERS).meanKm())
                .isCloseTo(0.1 * LineCatalog.KM_PER_DEGREE, within(1e-6));
    }

    @Test
    void groupsByLocationInOrderOfFirstAppearanceAndLeavesOutImagesWithoutProbabilities() {
        EvaluationAccumulator images = new EvaluationAccumulator(CATALOG);
        images.add("a", A, at(0), sure(A));
        images.add("b", B, at(0.1), sure(C));
        images.add("a", A, at(0), sure(A));
        images.add("c", C, at(0.3), sure(C));
        images.add("b", B, at(0.1), sure(C));
        images.add("d", A, at(0), A, at(0)); // a region and a point alone: nothing to fuse

        FusedLocations fused = FusedLocations.of(images.result(), CATALOG, ESTIMATOR);

        assertThat(fused.fused().outcomes()).extracting(ImageOutcome::locationId).containsExactly("a", "b", "c");
        assertThat(fused.fused().outcomes()).extracting(ImageOutcome::trueRegion).containsExactly(A, B, C);
        assertThat(fused.fused().outcomes()).extracting(ImageOutcome::predictedRegion).containsExactly(A, C, C);
        assertThat(fused.single().samples()).isEqualTo(5);
        assertThat(fused.single().locations()).isEqualTo(3);
        assertThat(fused.single().calibration()).as("every image left has its probabilities").isPresent();
        assertThat(fused.views()).isEqualTo(new FusedLocations.ViewCounts(1, 2, 2));
        assertThat(fused.locations()).isEqualTo(3);
    }

    @Test
    void viewCountsOfAnEvenNumberOfLocationsTakeTheMiddleTwosMean() {
        assertThat(FusedLocations.ViewCounts.of(List.of(4, 1, 3, 2))).isEqualTo(new FusedLocations.ViewCounts(1, 2.5, 4));
        assertThat(FusedLocations.ViewCounts.of(List.of(4, 4, 3))).isEqualTo(new FusedLocations.ViewCounts(3, 4, 4));
    }

    @Test
    void imagesScoredWithoutProbabilitiesCannotBeFused() {
        EvaluationAccumulator images = new EvaluationAccumulator(CATALOG);
        images.add("a", A, at(0), A, at(0));

        assertThatThrownBy(() -> FusedLocations.of(images.result(), CATALOG, ESTIMATOR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing to fuse");
    }

    /** Probability .8 on one region, .1 on each other. */
    static float[] sure(int region) {
        float[] probabilities = {0.1f, 0.1f, 0.1f};
        probabilities[region] = 0.8f;
        return probabilities;
    }
}
