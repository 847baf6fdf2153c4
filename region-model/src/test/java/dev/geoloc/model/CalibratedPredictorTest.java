package dev.geoloc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.geoloc.regions.LocationEstimator;
import dev.geoloc.regions.RegionCatalog;

/** A bundle with a calibration is served with it: its temperature on the logits, its photo spread in the estimate. */
class CalibratedPredictorTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();
    private static final double TEMPERATURE = 0.25;
    private static Path dir;
    private static RegionPredictor plain;
    private static RegionPredictor calibrated;

    @BeforeAll
    static void loadOneModelWithAndWithoutCalibration() throws IOException {
        dir = Files.createTempDirectory("calibrated-predictor-test");
        Path bundle = TestBundles.untrained(dir.resolve("plain"), "tiny-cnn", TestBundles.CLASSIFIER, LA);
        Path sharpened = TestBundles.calibrated(bundle, dir.resolve("calibrated"), TEMPERATURE);
        try (ModelBundle a = ModelBundle.open(bundle); ModelBundle b = ModelBundle.open(sharpened)) {
            plain = RegionPredictor.load(a, PredictorOptions.DEFAULT.withDevice("cpu"));
            calibrated = RegionPredictor.load(b, PredictorOptions.DEFAULT.withDevice("cpu"));
        }
    }

    @AfterAll
    static void close() throws IOException {
        plain.close();
        calibrated.close();
        ModelBundle.deleteTree(dir);
    }

    @Test
    void predictGivesTheSoftmaxOfTheLogitsOverTheTemperature() {
        float[] images = randomImages(3, 1);
        float[] logits = calibrated.logits(images, 3);

        for (int i = 0; i < 3; i++) {
            float[] probabilities = calibrated.predict(images, 3).get(i).probabilities();
            double[] expected = softmax(logits, i, TEMPERATURE);
            for (int j = 0; j < LA.size(); j++) {
                assertThat((double) probabilities[j]).isCloseTo(expected[j], within(1e-5));
            }
            float[] uncalibrated = plain.predict(images, 3).get(i).probabilities();
            double[] atOne = softmax(logits, i, 1);
            for (int j = 0; j < LA.size(); j++) {
                assertThat((double) uncalibrated[j]).as("the same model without calibration").isCloseTo(atOne[j], within(1e-5));
            }
            assertThat(max(probabilities)).as("T < 1 sharpens").isGreaterThan(max(uncalibrated));
        }
    }

    @Test
    void theEstimateIsMeasuredToTheBundlesPhotoSpread() {
        Prediction prediction = calibrated.predict(randomImages(1, 2), 1).get(0);

        LocationEstimator spread = new LocationEstimator(LA, 0.9, TestBundles.calibration(LA, TEMPERATURE).spread());
        assertThat(prediction.location()).isEqualTo(spread.estimate(prediction.probabilities()));
        assertThat(calibrated.locationEstimator().estimate(prediction.probabilities())).isEqualTo(prediction.location());
    }

    @Test
    void probabilitiesGivenToPredictionAreTakenAsCalibratedAndNotScaledAgain() {
        Prediction served = calibrated.predict(randomImages(1, 3), 1).get(0);

        Prediction again = calibrated.prediction(served.probabilities());

        assertThat(again.probabilities()).containsExactly(served.probabilities());
        assertThat(again.location()).isEqualTo(served.location());
        assertThat(again.top()).isEqualTo(served.top());
    }

    @Test
    void thePredictorNamesItsCalibrationAndAnUncalibratedOneHasNone() {
        assertThat(calibrated.calibration()).map(BundleCalibration::identifier).contains("temperature+spread/1, T=0.250");
        assertThat(plain.calibration()).isEmpty();
    }

    private static double[] softmax(float[] logits, int row, double temperature) {
        int regions = LA.size();
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < regions; j++) {
            max = Math.max(max, logits[row * regions + j] / temperature);
        }
        double[] p = new double[regions];
        double sum = 0;
        for (int j = 0; j < regions; j++) {
            p[j] = Math.exp(logits[row * regions + j] / temperature - max);
            sum += p[j];
        }
        for (int j = 0; j < regions; j++) {
            p[j] /= sum;
        }
        return p;
    }

    private static float max(float[] values) {
        float max = values[0];
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static float[] randomImages(int count, long seed) {
        Random random = new Random(seed);
        float[] batch = new float[count * plain.imageTensorSize()];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (float) random.nextGaussian();
        }
        return batch;
    }
}
