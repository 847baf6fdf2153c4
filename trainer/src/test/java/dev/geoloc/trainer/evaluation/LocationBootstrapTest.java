package dev.geoloc.trainer.evaluation;

import static dev.geoloc.trainer.evaluation.LineCatalog.A;
import static dev.geoloc.trainer.evaluation.LineCatalog.B;
import static dev.geoloc.trainer.evaluation.LineCatalog.KM_PER_DEGREE;
import static dev.geoloc.trainer.evaluation.LineCatalog.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;

import org.junit.jupiter.api.Test;

import dev.geoloc.trainer.compare.Interval;

class LocationBootstrapTest {

    private static final ToDoubleFunction<Evaluation> ACCURACY = Evaluation::accuracy;
    private static final ToDoubleFunction<Evaluation> MEAN_KM = e -> e.distance(ErrorMeasure.REGION_CENTERS).meanKm();
    private static final double K = KM_PER_DEGREE;

    /** Location "a": three photos, all right; location "b": one photo of B taken for A, 0.1 degrees off. */
    static Evaluation threeRightOneWrong() {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        for (int heading = 0; heading < 3; heading++) {
            accumulator.add("a", A, at(0), A, at(0));
        }
        accumulator.add("b", B, at(0.1), A, at(0));
        return accumulator.result();
    }

    /**
     * The four equally likely draws of two locations, scripted: (a, a) accuracy 1, (a, b) and (b, a) 3/4 (the
     * photos of a location come together, so not ½), (b, b) 0. Sorted 0, .75, .75, 1; the 2.5th percentile at
     * h = 3 · .025 = .075 is 0 + .075 · .75 = .05625, the 97.5th at h = 2.925 is .75 + .925 · .25 = .98125.
     * Mean error: 0, K/40, K/40, K/10, so .075 · K/40 and K/40 + .925 · 3K/40.
     */
    @Test
    void resamplesWholeLocationsAndTakesPercentilesByHand() {
        LocationBootstrap bootstrap = new LocationBootstrap(4, 0);

        List<BootstrapEstimate> estimates = bootstrap.seedMean(List.of(threeRightOneWrong()), List.of(ACCURACY, MEAN_KM),
                scripted(0, 0, 0, 1, 1, 0, 1, 1));

        assertThat(estimates.get(0).estimate()).isEqualTo(0.75);
        assertThat(estimates.get(0).interval().low()).isCloseTo(0.05625, within(1e-12));
        assertThat(estimates.get(0).interval().high()).isCloseTo(0.98125, within(1e-12));
        assertThat(estimates.get(1).estimate()).isCloseTo(K / 40, within(1e-9));
        assertThat(estimates.get(1).interval().low()).isCloseTo(0.075 * K / 40, within(1e-9));
        assertThat(estimates.get(1).interval().high()).isCloseTo(K / 40 + 0.925 * 3 * K / 40, within(1e-9));
    }

    /** With thousands of resamples, a quarter are (b, b) and a quarter (a, a): the percentiles are 0 and 1. */
    @Test
    void manyResamplesReachTheEnumeratedExtremes() {
        BootstrapEstimate accuracy = new LocationBootstrap(4000, 7).estimate(threeRightOneWrong(), ACCURACY);

        assertThat(accuracy.interval()).isEqualTo(new Interval(0, 1));
        assertThat(accuracy.estimate()).isEqualTo(0.75);
    }

    @Test
    void oneSeedGivesTheSameIntervalsEverywhere() {
        Evaluation evaluation = EvaluationAccumulatorTest.fourImages();

        BootstrapEstimate first = new LocationBootstrap(500, 3).estimate(evaluation, MEAN_KM);
        BootstrapEstimate again = new LocationBootstrap(500, 3).estimate(evaluation, MEAN_KM);

        assertThat(again).isEqualTo(first);
        assertThat(first.interval().low()).isLessThanOrEqualTo(first.estimate());
        assertThat(first.interval().high()).isGreaterThanOrEqualTo(first.estimate());
    }

    /**
     * Two runs on the same two one-photo locations: run 1 right on a, wrong on b (accuracy ½); run 2 right on
     * both (1). Each resample draws the locations, then the runs:
     * <pre>
     * locations  runs    figure
     * a b        1 1     ½
     * a b        2 2     1
     * a b        1 2     ¾
     * b b        1 2     (0 + 1) / 2 = ½   (the same location draw in both runs)
     * </pre>
     * Sorted ½, ½, ¾, 1: percentiles ½ + .075 · 0 = ½ and ¾ + .925 · ¼ = .98125; the estimate is the runs' mean ¾.
     */
    @Test
    void severalRunsDrawLocationsOnceThenRuns() {
        List<Evaluation> runs = List.of(twoLocations(false), twoLocations(true));

        BootstrapEstimate accuracy = new LocationBootstrap(4, 0).seedMean(runs, List.of(ACCURACY),
                scripted(0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1)).get(0);

        assertThat(accuracy.estimate()).isEqualTo(0.75);
        assertThat(accuracy.interval().low()).isCloseTo(0.5, within(1e-12));
        assertThat(accuracy.interval().high()).isCloseTo(0.98125, within(1e-12));
    }

    /**
     * One run draws no runs (the script would run out otherwise): it is the location bootstrap alone. Three
     * identical runs draw runs too (0 1 2, 2 1 0, ...), after the same location draws, to the same figures.
     */
    @Test
    void oneRunIsTheLocationBootstrapAndIdenticalRunsAddNothing() {
        Evaluation evaluation = threeRightOneWrong();
        LocationBootstrap bootstrap = new LocationBootstrap(4, 0);

        BootstrapEstimate one = bootstrap.seedMean(List.of(evaluation), List.of(ACCURACY),
                scripted(0, 0, 0, 1, 1, 0, 1, 1)).get(0);
        BootstrapEstimate same = bootstrap.seedMean(List.of(evaluation, evaluation, evaluation), List.of(ACCURACY),
                scripted(0, 0, 0, 1, 2, 0, 1, 2, 1, 0, 1, 0, 1, 2, 0, 1, 1, 2, 2, 1)).get(0);

        assertThat(one.interval().low()).isCloseTo(0.05625, within(1e-12));
        assertThat(same).isEqualTo(one);
        assertThat(new LocationBootstrap(300, 5).seedMean(List.of(evaluation), ACCURACY))
                .isEqualTo(new LocationBootstrap(300, 5).estimate(evaluation, ACCURACY));
    }

    @Test
    void identicalModelsDifferByExactlyNothing() {
        List<Evaluation> model = List.of(EvaluationAccumulatorTest.fourImages(), EvaluationAccumulatorTest.fourImages());

        BootstrapEstimate difference = new LocationBootstrap(200, 1).pairedDifference(model, model, MEAN_KM);

        assertThat(difference.estimate()).isZero();
        assertThat(difference.interval()).isEqualTo(new Interval(0, 0));
        assertThat(difference.excludesZero()).isFalse();
    }

    @Test
    void rightOnEveryImageAgainstWrongOnEveryImageExcludesZero() {
        List<Evaluation> right = List.of(allOf(true), allOf(true));
        List<Evaluation> wrong = List.of(allOf(false), allOf(false));

        List<BootstrapEstimate> differences = new LocationBootstrap(200, 1).pairedDifference(right, wrong,
                List.of(ACCURACY, MEAN_KM));

        assertThat(differences.get(0).estimate()).isEqualTo(1.0);
        assertThat(differences.get(0).interval()).isEqualTo(new Interval(1, 1));
        assertThat(differences.get(0).excludesZero()).isTrue();
        assertThat(differences.get(1).estimate()).isCloseTo(-0.1 * K, within(1e-9));
        assertThat(differences.get(1).excludesZero()).isTrue();
        // a one-run model (zero-shot) is paired with each baseline run
        assertThat(new LocationBootstrap(50, 1).pairedDifference(List.of(allOf(true)), wrong, ACCURACY).estimate())
                .isEqualTo(1.0);
    }

    /**
     * Pairs share draws: model runs right on a / on both, baseline runs wrong on both / right on a. The differences
     * per pair on (a, b) are ½ − 0 and 1 − ½; drawing pair 1 twice on locations (b, b) gives 0 − 0.
     */
    @Test
    void pairsShareTheLocationAndSeedDrawsByHand() {
        List<Evaluation> model = List.of(twoLocations(false), twoLocations(true));
        List<Evaluation> baseline = List.of(allOf(false), twoLocations(false));

        BootstrapEstimate difference = new LocationBootstrap(2, 0).pairedDifference(model, baseline, List.of(ACCURACY),
                scripted(0, 1, 0, 1, 1, 1, 0, 0)).get(0);

        // resample 1: locations (a, b), pairs 1 and 2: (½ − 0 + 1 − ½) / 2 = ½; resample 2: (b, b), pair 1 twice: 0
        assertThat(difference.estimate()).isEqualTo(0.5);
        assertThat(difference.interval().low()).isCloseTo(0.025 * 0.5, within(1e-12));
        assertThat(difference.interval().high()).isCloseTo(0.975 * 0.5, within(1e-12));
    }

    @Test
    void differentTestImagesOrRunCountsFailClearly() {
        LocationBootstrap bootstrap = new LocationBootstrap(10, 1);
        Evaluation four = EvaluationAccumulatorTest.fourImages();

        assertThatThrownBy(() -> bootstrap.pairedDifference(List.of(four), List.of(threeRightOneWrong()), ACCURACY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the same test images: image 1 of model or baseline run 2 is of location a");
        assertThatThrownBy(() -> bootstrap.seedMean(List.of(four, allOf(true)), ACCURACY))
                .hasMessageContaining("not the same test images: run 2 has 2 images, the first 4");
        assertThatThrownBy(() -> bootstrap.pairedDifference(List.of(four, four), List.of(four, four, four), ACCURACY))
                .hasMessageContaining("2 runs against 3 of the baseline");
        assertThatThrownBy(() -> new LocationBootstrap(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * One answer per location (a right, b wrong) against the photos of {@link #threeRightOneWrong}: accuracy ½
     * against ¾. Resample 1 draws (a, b): ½ − ¾; resample 2 draws (a, a): one answer and three photos of a, all
     * right, 1 − 1. Sorted −¼, 0: the ends at .025 and .975 of the way.
     */
    @Test
    void answersOfTheSameLocationsFromOtherImagesArePairedByLocationByHand() {
        EvaluationAccumulator perLocation = new EvaluationAccumulator(LineCatalog.CATALOG);
        perLocation.add("a", A, at(0), A, at(0));
        perLocation.add("b", B, at(0.1), A, at(0));

        BootstrapEstimate gain = new LocationBootstrap(2, 0).pairedOverLocations(perLocation.result(),
                threeRightOneWrong(), List.of((model, baseline) -> model.accuracy() - baseline.accuracy()),
                scripted(0, 1, 0, 0)).get(0);

        assertThat(gain.estimate()).isEqualTo(-0.25);
        assertThat(gain.interval().low()).isCloseTo(-0.25 + 0.025 * 0.25, within(1e-12));
        assertThat(gain.interval().high()).isCloseTo(-0.25 + 0.975 * 0.25, within(1e-12));
    }

    @Test
    void answersOfOtherLocationsCannotBePaired() {
        EvaluationAccumulator reordered = new EvaluationAccumulator(LineCatalog.CATALOG);
        reordered.add("b", B, at(0.1), A, at(0));
        reordered.add("a", A, at(0), A, at(0));

        assertThatThrownBy(() -> new LocationBootstrap(10, 1).pairedOverLocations(reordered.result(),
                threeRightOneWrong(), List.of((model, baseline) -> 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not the same test locations");
    }

    @Test
    void percentilesInterpolateBetweenOrderStatistics() {
        double[] sorted = {1, 2, 3, 4};

        assertThat(LocationBootstrap.quantile(sorted, 0)).isEqualTo(1.0);
        assertThat(LocationBootstrap.quantile(sorted, 0.5)).isEqualTo(2.5);
        assertThat(LocationBootstrap.quantile(sorted, 1)).isEqualTo(4.0);
        assertThat(LocationBootstrap.quantile(new double[] {7}, 0.975)).isEqualTo(7.0);
        assertThat(LocationBootstrap.locationGroups(threeRightOneWrong())).isDeepEqualTo(new int[][] {{0, 1, 2}, {3}});
    }

    /** Two one-photo locations, a (of A) and b (of B): always right on a, right on b when asked. */
    private static Evaluation twoLocations(boolean rightOnB) {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        accumulator.add("a", A, at(0), A, at(0));
        accumulator.add("b", B, at(0.1), rightOnB ? B : A, at(rightOnB ? 0.1 : 0));
        return accumulator.result();
    }

    /** The same two locations, right or wrong (A for B, B for A) on both. */
    private static Evaluation allOf(boolean right) {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        accumulator.add("a", A, at(0), right ? A : B, at(right ? 0 : 0.1));
        accumulator.add("b", B, at(0.1), right ? B : A, at(right ? 0.1 : 0));
        return accumulator.result();
    }

    /** A Random whose nextInt answers come from a script, each below the bound asked; it fails past the script's end. */
    private static Random scripted(int... draws) {
        Deque<Integer> script = new ArrayDeque<>();
        for (int draw : draws) {
            script.add(draw);
        }
        return new Random() {
            @Override
            public int nextInt(int bound) {
                assertThat(script).as("draws left").isNotEmpty();
                assertThat(script.peek()).as("draw below its bound").isLessThan(bound);
                return script.poll();
            }
        };
    }
}
