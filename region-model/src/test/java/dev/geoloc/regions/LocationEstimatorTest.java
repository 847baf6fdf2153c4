package dev.geoloc.regions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

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

    @Test
    void withAllMassInOneRegionTheExpectedErrorIsTheMeanDistanceToItsPhotosAndTheRadiusHoldsNineInTen() {
        LocationEstimator spread = new LocationEstimator(line, 0.9, westPhotosAtTenthsOfAKilometre());

        LocationEstimate estimate = spread.estimate(new float[] {1, 0, 0});

        assertThat(estimate.location()).isEqualTo(line.center(0));
        assertThat(estimate.fromRegionCenter()).isTrue();
        // mean of 0.1, 0.2, ..., 1.0 km
        assertThat(estimate.expectedErrorKm()).isCloseTo(0.55, within(1e-6));
        // the smallest r holding 9 of the 10 photos
        assertThat(estimate.confidenceRadiusKm()).isCloseTo(0.9, within(1e-6));
        assertThat(new LocationEstimator(line, 1.0, westPhotosAtTenthsOfAKilometre()).estimate(new float[] {1, 0, 0})
                .confidenceRadiusKm()).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void theRadiusIsTheLevelsQuantileOfTheMixtureOfRegionsPhotos() {
        // 0.8 on west (10 photos 0.1 to 1.0 km from its center, 0.08 each), 0.2 on middle (no sample: its center,
        // D away). From west's center, 0.5 is reached at the 7th photo (0.56), 0.8 at the 10th, 0.9 only at middle.
        float[] p = {0.8f, 0.2f, 0};
        PhotoSpread photos = westPhotosAtTenthsOfAKilometre();

        LocationEstimate estimate = new LocationEstimator(line, 0.9, photos).estimate(p);

        assertThat(estimate.location().distanceKm(line.center(0))).as("at west's center, or within metres of it")
                .isLessThan(1e-3);
        assertThat(estimate.expectedErrorKm()).isCloseTo(0.8 * 0.55 + 0.2 * D, within(1e-3));
        assertThat(estimate.confidenceRadiusKm()).isCloseTo(D, within(1e-3));
        assertThat(new LocationEstimator(line, 0.5, photos).estimate(p).confidenceRadiusKm()).isCloseTo(0.7, within(1e-3));
        assertThat(new LocationEstimator(line, 0.8, photos).estimate(p).confidenceRadiusKm()).isCloseTo(1.0, within(1e-3));
    }

    @Test
    void theErrorAtAnotherPointIsMeasuredToTheSamePhotos() {
        LocationEstimator spread = new LocationEstimator(line, 0.9, westPhotosAtTenthsOfAKilometre());
        float[] certain = {1, 0, 0};

        // At the estimate itself, the estimate's own error bar
        assertThat(spread.errorAt(certain, line.center(0))).isEqualTo(spread.estimate(certain).error());
        // At the photo 1.0 km north of west's center: 0.1 km from the 0.9 one, 1.9 km from the 0.9 south one...
        LatLon finer = Geodesy.destination(line.center(0), 0, 1.0);
        PointError atFiner = spread.errorAt(certain, finer);
        double sum = 0;
        for (LatLon photo : westPhotosAtTenthsOfAKilometre().of(0)) {
            sum += finer.distanceKm(photo);
        }
        assertThat(atFiner.expectedErrorKm()).isCloseTo(sum / 10, within(1e-9));
        assertThat(atFiner.confidenceLevel()).isEqualTo(0.9);
        // and without a spread, the radius takes whole regions around the point, as the estimate's does
        assertThat(estimator.errorAt(certain, finer).confidenceRadiusKm())
                .isEqualTo(line.region(0).bbox().farthestCornerKm(finer));
    }

    @Test
    void photosAtTheRegionCentersGiveTheStudysEstimateAndExpectedError() {
        RegionCatalog la = RegionCatalog.losAngeles();
        LocationEstimator centers = new LocationEstimator(la, 0.9);
        LocationEstimator atCenters = new LocationEstimator(la, 0.9, new PhotoSpread(
                la.regions().stream().map(region -> List.of(region.center())).toList()));
        java.util.Random random = new java.util.Random(5);
        for (int trial = 0; trial < 50; trial++) {
            float[] p = randomProbabilities(la.size(), random);

            LocationEstimate expected = centers.estimate(p);
            LocationEstimate actual = atCenters.estimate(p);

            assertThat(actual.location()).isEqualTo(expected.location());
            assertThat(actual.expectedErrorKm()).isEqualTo(expected.expectedErrorKm());
            assertThat(actual.confidenceRadiusKm()).as("centers, not whole boxes").isLessThan(expected.confidenceRadiusKm());
        }
    }

    @Test
    void aSpreadOverAnotherCatalogIsRefused() {
        assertThatThrownBy(() -> new LocationEstimator(line, 0.9, new PhotoSpread(List.of(List.of(), List.of()))))
                .hasMessageContaining("a photo spread over 2 regions for a catalog of 3");
    }

    /** West's photos 0.1, 0.2, ..., 1.0 km from its center, alternately north and south; none for middle and east. */
    private PhotoSpread westPhotosAtTenthsOfAKilometre() {
        List<LatLon> west = new java.util.ArrayList<>();
        for (int k = 1; k <= 10; k++) {
            west.add(Geodesy.destination(line.center(0), k % 2 == 0 ? 0 : 180, k / 10.0));
        }
        return new PhotoSpread(List.of(west, List.of(), List.of()));
    }

    private static float[] randomProbabilities(int regions, java.util.Random random) {
        float[] p = new float[regions];
        float sum = 0;
        for (int j = 0; j < p.length; j++) {
            p[j] = (float) Math.pow(random.nextDouble(), 4);
            sum += p[j];
        }
        for (int j = 0; j < p.length; j++) {
            p[j] /= sum;
        }
        return p;
    }
}
