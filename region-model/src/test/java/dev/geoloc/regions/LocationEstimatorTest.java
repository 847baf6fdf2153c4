package dev.geoloc.regions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Hand-checked on three small regions along the equator, centers at longitude 0, 0.1 and 0.2: neighbours
 * are D = 0.1 degree = 11.1195 km apart, and each box is 0.02 x 0.02 degree, so a disc around a center
 * covers its whole box from r = sqrt(2) x 0.01 degree = 1.5725 km.
 */
class LocationEstimatorTest {

    private static final double D = 11.1195;

    private final RegionCatalog line = CatalogReader.parse("{\"regions\": [%s, %s, %s]}".formatted(
            TestCatalogs.regionJson("west", -0.01, 0.01, -0.01, 0.01),
            TestCatalogs.regionJson("middle", -0.01, 0.01, 0.09, 0.11),
            TestCatalogs.regionJson("east", -0.01, 0.01, 0.19, 0.21)), "line");
    private final LocationEstimator estimator = new LocationEstimator(line, 0.9);

    @Test
    void aCertainPredictionIsTheRegionCenterWithNoExpectedError() {
        LocationEstimate estimate = estimator.estimate(new float[] {1, 0, 0});

        assertThat(estimate.location()).isEqualTo(line.center(0));
        assertThat(estimate.fromRegionCenter()).isTrue();
        assertThat(estimate.expectedErrorKm()).isZero();
        assertThat(estimate.confidenceRadiusKm()).isCloseTo(1.5725, within(1e-3));
    }

    @Test
    void twoEquallyLikelyNeighboursCostHalfTheirDistance() {
        LocationEstimate estimate = estimator.estimate(new float[] {0.5f, 0.5f, 0});

        // Any point between two centers has the same expected error, so the center is kept.
        assertThat(estimate.fromRegionCenter()).isTrue();
        assertThat(estimate.location()).isEqualTo(line.center(0));
        assertThat(estimate.expectedErrorKm()).isCloseTo(D / 2, within(1e-3));
    }

    @Test
    void probabilitySplitBetweenFarRegionsMovesTheEstimateBetweenThem() {
        // argmax is "west" (0.4, first of the ties): error there = 0.2 D + 0.4 x 2D = D.
        // The weighted median is the middle center: error = 0.4 D + 0.4 D = 0.8 D.
        LocationEstimate estimate = estimator.estimate(new float[] {0.4f, 0.2f, 0.4f});

        assertThat(estimate.fromRegionCenter()).isFalse();
        assertThat(estimate.location().longitude()).isCloseTo(0.1, within(1e-6));
        assertThat(estimate.location().latitude()).isCloseTo(0.0, within(1e-6));
        assertThat(estimate.expectedErrorKm()).isCloseTo(0.8 * D, within(1e-3));
        assertThat(estimator.expectedErrorKm(new float[] {0.4f, 0.2f, 0.4f}, line.center(0))).isCloseTo(D, within(1e-3));
    }

    @Test
    void confidenceRadiusTakesWholeRegionsUntilTheMassIsReached() {
        // From the middle: the middle box (0.2) is covered at 1.5725 km; west and east (0.4 each) once the
        // disc reaches their far corners, 0.110454 degree = 12.2819 km away. 0.2 + 0.4 + 0.4 reaches 0.9.
        LocationEstimate estimate = estimator.estimate(new float[] {0.4f, 0.2f, 0.4f});

        assertThat(estimate.confidenceRadiusKm()).isCloseTo(12.2819, within(1e-3));
        assertThat(new LocationEstimator(line, 0.2).estimate(new float[] {0.4f, 0.2f, 0.4f}).confidenceRadiusKm())
                .isCloseTo(1.5725, within(1e-3));
    }

    @Test
    void onTheLosAngelesCatalogASpreadPredictionNeverIncreasesTheExpectedError() {
        RegionCatalog la = RegionCatalog.losAngeles();
        LocationEstimator laEstimator = new LocationEstimator(la, 0.9);
        java.util.Random random = new java.util.Random(3);
        for (int trial = 0; trial < 200; trial++) {
            float[] p = new float[la.size()];
            float sum = 0;
            for (int j = 0; j < p.length; j++) {
                p[j] = (float) Math.pow(random.nextDouble(), 4);
                sum += p[j];
            }
            for (int j = 0; j < p.length; j++) {
                p[j] /= sum;
            }
            LocationEstimate estimate = laEstimator.estimate(p);
            double atArgmaxCenter = laEstimator.expectedErrorKm(p, la.center(LocationEstimator.argmax(p)));
            assertThat(estimate.expectedErrorKm()).isLessThanOrEqualTo(atArgmaxCenter + 1e-9);
            assertThat(estimate.confidenceRadiusKm()).isPositive();
        }
    }
}
