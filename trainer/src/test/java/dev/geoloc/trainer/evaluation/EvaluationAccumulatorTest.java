package dev.geoloc.trainer.evaluation;

import static dev.geoloc.trainer.evaluation.LineCatalog.A;
import static dev.geoloc.trainer.evaluation.LineCatalog.B;
import static dev.geoloc.trainer.evaluation.LineCatalog.C;
import static dev.geoloc.trainer.evaluation.LineCatalog.KM_PER_DEGREE;
import static dev.geoloc.trainer.evaluation.LineCatalog.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EvaluationAccumulatorTest {

    private static final double K = KM_PER_DEGREE;
    private static final org.assertj.core.data.Offset<Double> EXACT = within(1e-9);

    /**
     * Four images, by hand (distances in degrees of longitude, times K km):
     * <pre>
     * true  photo   predicted  estimate  | centers  photo   center-to-photo
     * A     0.005   A          0         | 0        0.005   0.005
     * A     0       B          0.1       | 0.1      0.1     0.1
     * B     0.1     B          0.1       | 0        0       0
     * C     0.3     A          0.15      | 0.3      0.15    0.3
     * </pre>
     */
    static Evaluation fourImages() {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        accumulator.add("p1", A, at(0.005), A, at(0));
        accumulator.add("p2", A, at(0), B, at(0.1));
        accumulator.add("p3", B, at(0.1), B, at(0.1));
        accumulator.add("p4", C, at(0.3), A, at(0.15));
        return accumulator.result();
    }

    /**
     * Four photos of region A, each predicted right and placed at A's center, taken 0.2, 0.4, 0.9 and 3.1 km east of
     * it: errors to the photo (and from the predicted center) of those kilometres, so Acc@0.25km 25 %, Acc@0.5km
     * 50 %, Acc@1km 75 % and 100 % from 5 km; mean 1.15 km, median 0.65 km. The study's errors are all 0.
     */
    static Evaluation subKilometre() {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        for (double km : new double[] {0.2, 0.4, 0.9, 3.1}) {
            accumulator.add("p" + km, A, at(km / K), A, at(0));
        }
        return accumulator.result();
    }

    @Test
    void accuracyAndTheStudysCenterToCenterErrors() {
        Evaluation evaluation = fourImages();

        assertThat(evaluation.samples()).isEqualTo(4);
        assertThat(evaluation.correct()).isEqualTo(2);
        assertThat(evaluation.accuracy()).isEqualTo(0.5);
        DistanceMetrics centers = evaluation.distance(ErrorMeasure.REGION_CENTERS);
        assertThat(centers.sortedErrorsKm()).containsExactly(new double[] {0, 0, 0.1 * K, 0.3 * K}, within(1e-6));
        assertThat(centers.meanKm()).isCloseTo(0.1 * K, within(1e-6));
        assertThat(centers.medianKm()).isCloseTo(0.05 * K, within(1e-6));
        assertThat(centers.accuracyWithinKm(1)).isEqualTo(0.5);
        assertThat(centers.accuracyWithinKm(5)).isEqualTo(0.5);
        assertThat(centers.accuracyWithinKm(10)).isEqualTo(0.5);
        assertThat(centers.accuracyWithinKm(25)).isEqualTo(0.75);
    }

    @Test
    void theFinerRadiiCountThePhotosWithinAQuarterAndHalfAKilometre() {
        DistanceMetrics photo = subKilometre().distance(ErrorMeasure.PHOTO);

        assertThat(photo.sortedErrorsKm()).containsExactly(new double[] {0.2, 0.4, 0.9, 3.1}, within(1e-9));
        assertThat(photo.accuracyWithinKm(0.25)).isEqualTo(0.25);
        assertThat(photo.accuracyWithinKm(0.5)).isEqualTo(0.5);
        assertThat(photo.accuracyWithinKm(1)).isEqualTo(0.75);
        assertThat(photo.medianKm()).isCloseTo(0.65, within(1e-9));
    }

    @Test
    void errorsAgainstThePhotosTrueCoordinates() {
        Evaluation evaluation = fourImages();

        DistanceMetrics photo = evaluation.distance(ErrorMeasure.PHOTO);
        assertThat(photo.meanKm()).isCloseTo(0.255 * K / 4, within(1e-6));
        assertThat(photo.medianKm()).isCloseTo(0.0525 * K, within(1e-6));
        assertThat(photo.accuracyWithinKm(1)).isEqualTo(0.5);
        assertThat(photo.accuracyWithinKm(10)).isEqualTo(0.5);
        assertThat(photo.accuracyWithinKm(25)).isEqualTo(1.0);

        DistanceMetrics centerToPhoto = evaluation.distance(ErrorMeasure.CENTER_TO_PHOTO);
        assertThat(centerToPhoto.meanKm()).isCloseTo(0.405 * K / 4, within(1e-6));
        assertThat(centerToPhoto.medianKm()).isCloseTo(0.0525 * K, within(1e-6));
        assertThat(centerToPhoto.accuracyWithinKm(1)).isEqualTo(0.5);
        assertThat(centerToPhoto.accuracyWithinKm(25)).isEqualTo(0.75);
    }

    @Test
    void perRegionAccuracyAndConfusion() {
        Evaluation evaluation = fourImages();

        assertThat(evaluation.regions()).containsExactly(
                new RegionAccuracy(A, "alpha", "Alpha", 2, 1),
                new RegionAccuracy(B, "beta", "Beta", 1, 1),
                new RegionAccuracy(C, "gamma", "Gamma", 1, 0));
        assertThat(evaluation.regions().get(A).accuracy()).isEqualTo(0.5);
        assertThat(evaluation.confusion().counts()).isDeepEqualTo(new int[][] {{1, 1, 0}, {0, 1, 0}, {1, 0, 0}});
        assertThat(evaluation.confusion().mostMistakenFor(A)).hasValue(B);
        assertThat(evaluation.confusion().mostMistakenFor(B)).isEmpty();
        assertThat(evaluation.confusion().mostMistakenFor(C)).hasValue(A);
    }

    @Test
    void aRegionWithNoImagesHasNoAccuracy() {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        accumulator.add("l", A, at(0), A, at(0));

        assertThat(accumulator.result().regions().get(C).accuracy()).isNaN();
    }

    @Test
    void probabilitiesPickTheMostProbableRegionAndEstimateLikeThePredictor() {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        accumulator.add("l", C, at(0.3), new float[] {0.05f, 0.05f, 0.9f});
        // a tie goes to the lower index; between two equally likely regions the center is as good as any point
        accumulator.add("l", A, at(0), new float[] {0.5f, 0.5f, 0f});

        Evaluation evaluation = accumulator.result();
        assertThat(evaluation.correct()).isEqualTo(2);
        assertThat(evaluation.distance(ErrorMeasure.REGION_CENTERS).sortedErrorsKm()).containsExactly(0, 0);
        assertThat(evaluation.distance(ErrorMeasure.PHOTO).sortedErrorsKm()).containsExactly(new double[] {0, 0}, within(1e-6));
    }

    @Test
    void medianOfAnOddCountIsTheMiddleAndAccAtKIncludesTheRadius() {
        assertThat(DistanceMetrics.of(new double[] {3, 1, 2}).medianKm()).isEqualTo(2.0);
        DistanceMetrics metrics = DistanceMetrics.of(new double[] {0, 1, 5, 5.000001});

        assertThat(metrics.medianKm()).isEqualTo(3.0);
        assertThat(metrics.meanKm()).isCloseTo(11.000001 / 4, EXACT);
        assertThat(metrics.accuracyWithinKm(1)).isEqualTo(0.5);
        assertThat(metrics.accuracyWithinKm(5)).isEqualTo(0.75);
        assertThat(metrics.accuracyWithinKm(0.999)).isEqualTo(0.25);
    }

    @Test
    void refusesNothingAndIndicesOutsideTheCatalog() {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);

        assertThatThrownBy(accumulator::result).isInstanceOf(IllegalStateException.class).hasMessageContaining("no images");
        assertThatThrownBy(() -> accumulator.add("l", 3, at(0), A, at(0))).hasMessageContaining("true region 3");
        assertThatThrownBy(() -> accumulator.add("l", A, at(0), new float[2])).hasMessageContaining("2 probabilities for 3");
        assertThatThrownBy(() -> DistanceMetrics.of(new double[] {Double.NaN})).isInstanceOf(IllegalArgumentException.class);
        assertThat(accumulator.samples()).isZero();
    }

    @Test
    void growsPastItsFirstBuffer() {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        for (int i = 0; i < 1000; i++) {
            accumulator.add("l", B, at(0.1), i % 4 == 0 ? C : B, at(0.1));
        }

        Evaluation evaluation = accumulator.result();
        assertThat(evaluation.accuracy()).isEqualTo(0.75);
        assertThat(evaluation.distance(ErrorMeasure.REGION_CENTERS).meanKm()).isCloseTo(0.25 * 0.2 * K, within(1e-6));
    }
}
