package dev.geoloc.trainer.evaluation;

import static dev.geoloc.trainer.evaluation.LineCatalog.A;
import static dev.geoloc.trainer.evaluation.LineCatalog.B;
import static dev.geoloc.trainer.evaluation.LineCatalog.C;
import static dev.geoloc.trainer.evaluation.LineCatalog.KM_PER_DEGREE;
import static dev.geoloc.trainer.evaluation.LineCatalog.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import dev.geoloc.regions.LocationEstimate;
import dev.geoloc.regions.PointError;

class CalibrationTest {

    /** Float probabilities are off by up to 3e-8 from the decimals they are written as. */
    private static final Offset<Double> CLOSE = within(1e-6);

    /**
     * Four images over three regions, in two confidence bins, by hand:
     * <pre>
     * p                 true  predicted  right  bin (k/15, (k+1)/15]  −ln p(true)  Σ (p − truth)²
     * .9  .05 .05       0     0          yes    13                    −ln .9       .01 + .0025 + .0025 = .015
     * .9  .05 .05       1     0          no     13                    −ln .05      .81 + .9025 + .0025 = 1.715
     * .5  .3  .2        0     0          yes    7                     −ln .5       .25 + .09 + .04    = .38
     * .5  .3  .2        0     0          yes    7                     −ln .5       .38
     * </pre>
     * Bin 13: confidence .9, accuracy .5, gap .4; bin 7: confidence .5, accuracy 1, gap .5. ECE = ½·.4 + ½·.5 = .45.
     */
    static List<ImageOutcome> fourForecasts() {
        return List.of(
                outcome("a", 0, new float[] {0.9f, 0.05f, 0.05f}, 1, 2, 1, 1.5),
                outcome("b", 1, new float[] {0.9f, 0.05f, 0.05f}, 2, 2, 3, 2.5),
                outcome("c", 0, new float[] {0.5f, 0.3f, 0.2f}, 2, 2, 2, 2),
                outcome("d", 0, new float[] {0.5f, 0.3f, 0.2f}, 4, 4, 5, 3));
    }

    @Test
    void eceWeighsEachBinsGapByItsImages() {
        Calibration calibration = Calibration.of(fourForecasts()).orElseThrow();

        assertThat(calibration.images()).isEqualTo(4);
        assertThat(calibration.ece()).isCloseTo(0.45, CLOSE);
        assertThat(Calibration.expectedCalibrationError(fourForecasts())).isCloseTo(0.45, CLOSE);
        assertThat(calibration.bins()).hasSize(15);
        ReliabilityBin confident = calibration.bins().get(13);
        assertThat(confident.images()).isEqualTo(2);
        assertThat(confident.meanConfidence()).isCloseTo(0.9, CLOSE);
        assertThat(confident.accuracy()).isEqualTo(0.5);
        assertThat(confident.lower()).isCloseTo(13.0 / 15, within(1e-12));
        ReliabilityBin unsure = calibration.bins().get(7);
        assertThat(unsure.images()).isEqualTo(2);
        assertThat(unsure.meanConfidence()).isCloseTo(0.5, CLOSE);
        assertThat(unsure.accuracy()).isEqualTo(1.0);
        assertThat(calibration.bins().get(0).images()).isZero();
        assertThat(calibration.bins().get(0).accuracy()).isNaN();
    }

    @Test
    void binsAreOpenBelowAndClosedAbove() {
        assertThat(Calibration.bin(0)).isZero();
        assertThat(Calibration.bin(0.05)).isZero();
        assertThat(Calibration.bin(0.1)).isEqualTo(1);
        assertThat(Calibration.bin(0.5)).isEqualTo(7);
        assertThat(Calibration.bin(0.9)).isEqualTo(13);
        assertThat(Calibration.bin(1)).isEqualTo(14);
    }

    @Test
    void nllAndBrierByHand() {
        Calibration calibration = Calibration.of(fourForecasts()).orElseThrow();

        double nll = -(Math.log(0.9) + Math.log(0.05) + 2 * Math.log(0.5)) / 4;
        assertThat(calibration.nll()).isCloseTo(nll, CLOSE);
        assertThat(calibration.brier()).isCloseTo((0.015 + 1.715 + 0.38 + 0.38) / 4, CLOSE);
    }

    @Test
    void aTrueRegionGivenNoProbabilityCostsTheFloorNotInfinity() {
        Calibration calibration = Calibration.of(List.of(outcome("a", 2, new float[] {1, 0, 0}, 1, 1, 1, 1)))
                .orElseThrow();

        assertThat(calibration.nll()).isCloseTo(-Math.log(1e-12), within(1e-9)).isCloseTo(27.631, within(1e-3));
        assertThat(calibration.brier()).isEqualTo(2.0);
        assertThat(calibration.ece()).isEqualTo(1.0);
    }

    /**
     * Expected [1, 2, 2, 4] against actual [1, 3, 2, 5] (true center) and [1.5, 2.5, 2, 3] (photo).
     * Ranks: expected [1, 2.5, 2.5, 4], actual [1, 3, 2, 4]; about the mean 2.5 the deviations are
     * [−1.5, 0, 0, 1.5] and [−1.5, .5, −.5, 1.5]: Σxy = 4.5, Σx² = 4.5, Σy² = 5, ρ = 4.5 / √22.5 = √0.9.
     * Photo ranks [1, 3, 2, 4] as well, so the same ρ. Ratio 11/9 and 9/9; radii [2, 2, 2, 4] hold the true
     * center for 1 ≤ 2 and 2 ≤ 2 (the radius counts), not 3 or 5: coverage ½; the photo for 1.5, 2, 3: ¾.
     */
    @Test
    void theErrorEstimateInBothMeasures() {
        Calibration calibration = Calibration.of(fourForecasts()).orElseThrow();

        ErrorEstimateCalibration center = calibration.errorEstimate(EstimateMeasure.TRUE_CENTER);
        assertThat(center.spearman()).isCloseTo(Math.sqrt(0.9), within(1e-12));
        assertThat(center.meanExpectedKm()).isEqualTo(9.0 / 4);
        assertThat(center.meanActualKm()).isEqualTo(11.0 / 4);
        assertThat(center.ratio()).isCloseTo(11.0 / 9, within(1e-12));
        assertThat(center.coverage()).isEqualTo(0.5);
        assertThat(center.confidenceLevel()).isEqualTo(0.9);
        assertThat(center.medianRadiusKm()).as("the median of radii 2, 2, 2, 4").isEqualTo(2.0);
        ErrorEstimateCalibration photo = calibration.errorEstimate(EstimateMeasure.PHOTO);
        assertThat(photo.spearman()).isCloseTo(Math.sqrt(0.9), within(1e-12));
        assertThat(photo.ratio()).isCloseTo(1.0, within(1e-12));
        assertThat(photo.coverage()).isEqualTo(0.75);
        assertThat(ErrorEstimateCalibration.coverage(fourForecasts(), EstimateMeasure.PHOTO)).isEqualTo(0.75);
    }

    @Test
    void spearmanAveragesTiedRanksAndIsUndefinedForAConstant() {
        assertThat(RankCorrelation.ranks(new double[] {5, 1, 5, 3, 5})).containsExactly(4, 1, 4, 2, 4);
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {30, 20, 10})).isEqualTo(-1.0);
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {1, 1, 1})).isNaN();
        assertThat(RankCorrelation.spearman(new double[] {1}, new double[] {1})).isNaN();
    }

    @Test
    void aModelExpectingNoErrorHasNoRatio() {
        Calibration calibration = Calibration.of(List.of(outcome("a", 0, new float[] {1, 0, 0}, 0, 0.5, 0, 0.2),
                outcome("b", 0, new float[] {1, 0, 0}, 0, 0.5, 0, 0.4))).orElseThrow();

        ErrorEstimateCalibration center = calibration.errorEstimate(EstimateMeasure.TRUE_CENTER);
        assertThat(center.ratio()).isNaN();
        assertThat(center.spearman()).isNaN();
        assertThat(center.coverage()).isEqualTo(1.0);
        assertThat(calibration.errorEstimate(EstimateMeasure.PHOTO).meanActualKm()).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void imagesWithoutProbabilitiesHaveNoCalibration() {
        List<ImageOutcome> outcomes = new ArrayList<>(fourForecasts());
        outcomes.add(new ImageOutcome("e", 0, at(0), 0, at(0), Optional.empty(), 0, 0, 0, 0));

        assertThat(Calibration.of(outcomes)).isEmpty();
        assertThat(EvaluationAccumulatorTest.fourImages().calibration()).isEmpty();
        assertThatThrownBy(() -> Calibration.expectedCalibrationError(outcomes))
                .hasMessageContaining("scored without its probabilities");
        assertThatThrownBy(() -> Calibration.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void radiiOfDifferentLevelsAreNotMixed() {
        LocationEstimate loose = new LocationEstimate(at(0), true, 1, 1, 0.5);
        List<ImageOutcome> outcomes = new ArrayList<>(fourForecasts());
        outcomes.add(new ImageOutcome("e", 0, at(0), 0, at(0),
                Optional.of(new ImageOutcome.Forecast(new float[] {1, 0, 0}, loose.error())), 0, 0, 0, 0));

        assertThatThrownBy(() -> Calibration.of(outcomes)).hasMessageContaining("levels 0.9 and 0.5");
    }

    @Test
    void theAccumulatorKeepsTheForecastAndMeasuresToTheTrueCenter() {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        accumulator.add("x", C, at(0.31), new float[] {0.05f, 0.05f, 0.9f});
        accumulator.add("y", B, at(0.1), new float[] {0.9f, 0.05f, 0.05f});

        Evaluation evaluation = accumulator.result();
        ImageOutcome right = evaluation.outcomes().get(0);
        ImageOutcome wrong = evaluation.outcomes().get(1);
        double k = KM_PER_DEGREE;
        assertThat(right.forecast().orElseThrow().error().expectedErrorKm()).isCloseTo(0.05 * 0.3 * k + 0.05 * 0.2 * k, within(1e-3));
        assertThat(right.forecast().orElseThrow().error().confidenceLevel()).isEqualTo(0.9);
        assertThat(right.estimateToTrueCenterKm()).isCloseTo(0, within(1e-6));
        assertThat(right.photoKm()).isCloseTo(0.01 * k, within(1e-6));
        assertThat(wrong.predictedRegion()).isEqualTo(A);
        assertThat(wrong.estimateToTrueCenterKm()).isCloseTo(0.1 * k, within(1e-6));
        assertThat(wrong.errorKm(ErrorMeasure.REGION_CENTERS)).isCloseTo(0.1 * k, within(1e-6));
        assertThat(evaluation.calibration()).isPresent();
        assertThat(evaluation.locations()).isEqualTo(2);
    }

    /** An image whose probabilities, expected error, radius and actual errors are given outright. */
    static ImageOutcome outcome(String location, int truth, float[] probabilities, double expectedKm, double radiusKm,
                                double toTrueCenterKm, double toPhotoKm) {
        int predicted = 0;
        for (int j = 1; j < probabilities.length; j++) {
            if (probabilities[j] > probabilities[predicted]) {
                predicted = j;
            }
        }
        return new ImageOutcome(location, truth, at(0), predicted, at(0),
                Optional.of(new ImageOutcome.Forecast(probabilities, new PointError(expectedKm, radiusKm, 0.9))), 0,
                toPhotoKm, 0, toTrueCenterKm);
    }
}
