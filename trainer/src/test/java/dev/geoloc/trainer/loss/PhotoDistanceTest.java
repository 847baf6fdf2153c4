package dev.geoloc.trainer.loss;

import static dev.geoloc.trainer.loss.LineCatalog.CENTER_LATITUDES;
import static dev.geoloc.trainer.loss.LineCatalog.CENTER_LONGITUDE;
import static dev.geoloc.trainer.loss.LineCatalog.logSoftmax;
import static dev.geoloc.trainer.loss.LineCatalog.softmax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The per-photo variants of soft, geo-smooth and expected: distances from the photo, not its region's center. */
class PhotoDistanceTest extends LossTestBase {

    private static final double[] Z0 = {2, 1, 0.5};
    /** A photo in region a, 0.0078125° north of its center, on the catalog's meridian. */
    private static final float[] OFF_CENTER = {34.0234375f, (float) CENTER_LONGITUDE};
    // Its distances along the meridian, R·Δφ: to a 0.0078125°, to b 0.0546875°, to c 0.1796875°.
    private static final double[] D = {
            Geodesy.EARTH_RADIUS_KM * Math.toRadians(0.0078125),
            Geodesy.EARTH_RADIUS_KM * Math.toRadians(0.0546875),
            Geodesy.EARTH_RADIUS_KM * Math.toRadians(0.1796875)};

    @ParameterizedTest
    @ValueSource(strings = {"soft:sigma=5", "geo-smooth", "expected:lambda=0.05"})
    void equalsTheRegionVariantForPhotosAtTheirRegionsCenter(String spec) {
        Loss byRegion = Losses.create(LossSpec.parse(spec), catalog);
        Loss byPhoto = Losses.create(LossSpec.parse(spec + (spec.contains(":") ? "," : ":") + "distance=photo"),
                catalog);
        NDList labels = photos(new long[] {0, 1, 2}, new float[][] {
                {(float) CENTER_LATITUDES[0], (float) CENTER_LONGITUDE},
                {(float) CENTER_LATITUDES[1], (float) CENTER_LONGITUDE},
                {(float) CENTER_LATITUDES[2], (float) CENTER_LONGITUDE}});
        NDArray logits = logits(Z0, new double[] {0.2, 0.4, 1.5}, new double[] {-1, 0, 3});

        assertThat(value(byPhoto, labels, logits)).isCloseTo(value(byRegion, labels, logits), within(1e-6));
    }

    @Test
    void softPhotoCentersTheKernelOnThePhoto() {
        double twoSigmaSquared = 2 * 5.0 * 5.0;
        double a = Math.exp(-D[0] * D[0] / twoSigmaSquared);
        double b = Math.exp(-D[1] * D[1] / twoSigmaSquared);
        double c = Math.exp(-D[2] * D[2] / twoSigmaSquared);
        double expected = -(a * logSoftmax(Z0, 0) + b * logSoftmax(Z0, 1) + c * logSoftmax(Z0, 2)) / (a + b + c);

        Loss loss = new SoftLabelLoss(catalog, 5.0, DistanceFrom.PHOTO);

        assertThat(value(loss, photos(new long[] {0}, new float[][] {OFF_CENTER}), logits(Z0)))
                .isCloseTo(expected, within(TOLERANCE));
    }

    @Test
    void geoSmoothPhotoKeepsTheOneHotOnTheLabelAndTakesThePriorFromThePhoto() {
        double epsilon = 0.1;
        double t = 10;
        double a = Math.exp(-D[0] / t);
        double b = Math.exp(-D[1] / t);
        double c = Math.exp(-D[2] / t);
        double norm = a + b + c;
        double expected = -(((1 - epsilon) + epsilon * a / norm) * logSoftmax(Z0, 0)
                + epsilon * b / norm * logSoftmax(Z0, 1)
                + epsilon * c / norm * logSoftmax(Z0, 2));

        Loss loss = new GeoLabelSmoothingLoss(catalog, epsilon, t, DistanceFrom.PHOTO);

        assertThat(value(loss, photos(new long[] {0}, new float[][] {OFF_CENTER}), logits(Z0)))
                .isCloseTo(expected, within(TOLERANCE));
    }

    @Test
    void expectedPhotoMeasuresTheExpectationFromThePhoto() {
        double lambda = 0.05;
        double expected = -logSoftmax(Z0, 0)
                + lambda * (softmax(Z0, 0) * D[0] + softmax(Z0, 1) * D[1] + softmax(Z0, 2) * D[2]);

        Loss loss = new ExpectedDistanceLoss(catalog, lambda, DistanceFrom.PHOTO);

        assertThat(value(loss, photos(new long[] {0}, new float[][] {OFF_CENTER}), logits(Z0)))
                .isCloseTo(expected, within(TOLERANCE));
    }

    @Test
    void haversineOnArraysAgreesWithGeodesyOffTheMeridian() {
        float[][] points = {{34.05f, -118.3f}, {33.9f, -118.1f}, {34.2f, -118.5f}};
        NDList labels = photos(new long[] {0, 1, 2}, points);
        NDArray logits = logits(Z0, Z0, Z0);
        Batch batch = new Batch(logits, manager.create(new long[] {0, 1, 2}).oneHot(3), labels);

        float[] kilometres = new PhotoDistances(catalog).kilometres(batch).toFloatArray();

        for (int i = 0; i < points.length; i++) {
            LatLon photo = new LatLon(points[i][0], points[i][1]);
            for (int j = 0; j < 3; j++) {
                assertThat((double) kilometres[i * 3 + j])
                        .as("photo %d to region %d", i, j)
                        .isCloseTo(Geodesy.haversineKm(photo, catalog.center(j)), within(1e-4));
            }
        }
    }

    @Test
    void refusesLabelsWithoutCoordinates() {
        Loss loss = new SoftLabelLoss(catalog, 5.0, DistanceFrom.PHOTO);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> loss.evaluate(regions(0), new NDList(logits(Z0))))
                .withMessageContaining("labels.get(1)");
    }

    @Test
    void refusesCoordinatesOfTheWrongShape() {
        Loss loss = new ExpectedDistanceLoss(catalog, 0.01, DistanceFrom.PHOTO);
        NDList labels = new NDList(manager.create(new long[] {0}), manager.create(new float[] {34f, -118f, 0f}));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> loss.evaluate(labels, new NDList(logits(Z0))))
                .withMessageContaining("(1, 2)");
    }
}
