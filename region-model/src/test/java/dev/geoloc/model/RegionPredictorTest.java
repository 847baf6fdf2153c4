package dev.geoloc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.imaging.Reason;
import dev.geoloc.imaging.TestImages;
import dev.geoloc.regions.LocationEstimator;
import dev.geoloc.regions.RegionCatalog;

class RegionPredictorTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();
    private static Path dir;
    private static ModelBundle bundle;
    private static RegionPredictor predictor;

    @BeforeAll
    static void loadAnUntrainedModel() throws IOException {
        dir = Files.createTempDirectory("predictor-test");
        bundle = ModelBundle.open(TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA));
        predictor = RegionPredictor.load(bundle, new PredictorOptions("cpu", 3, 0.9, 2, ImageLimits.DEFAULT));
    }

    @AfterAll
    static void close() throws IOException {
        predictor.close();
        bundle.close();
        ModelBundle.deleteTree(dir);
    }

    @Test
    void probabilitiesSumToOneAndTheTopRegionsAreTheMostProbableInOrder() {
        List<Prediction> predictions = predictor.predict(randomImages(8, 1), 8);

        assertThat(predictions).hasSize(8);
        for (Prediction prediction : predictions) {
            float[] p = prediction.probabilities();
            double sum = 0;
            int argmax = 0;
            for (int j = 0; j < p.length; j++) {
                assertThat(p[j]).isBetween(0f, 1f);
                sum += p[j];
                argmax = p[j] > p[argmax] ? j : argmax;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
            assertThat(prediction.top()).hasSize(3);
            assertThat(prediction.predicted().index()).isEqualTo(argmax);
            assertThat(prediction.predicted().regionId()).isEqualTo(LA.region(argmax).id());
            assertThat(prediction.top().get(0).probability()).isGreaterThanOrEqualTo(prediction.top().get(1).probability());
            assertThat(prediction.top().get(1).probability()).isGreaterThanOrEqualTo(prediction.top().get(2).probability());
        }
    }

    @Test
    void theLocationIsTheEstimatorsAnswerForTheseProbabilities() {
        Prediction prediction = predictor.predict(randomImages(1, 2), 1).get(0);

        assertThat(prediction.location()).isEqualTo(new LocationEstimator(LA, 0.9).estimate(prediction.probabilities()));
        assertThat(prediction.location().confidenceLevel()).isEqualTo(0.9);
    }

    @Test
    void anImageGetsTheSameAnswerAloneAndInABatch() {
        float[] batch = randomImages(5, 3);
        List<Prediction> together = predictor.predict(batch, 5);

        for (int i = 0; i < 5; i++) {
            float[] alone = java.util.Arrays.copyOfRange(batch, i * predictor.imageTensorSize(), (i + 1) * predictor.imageTensorSize());
            float[] expected = together.get(i).probabilities();
            float[] actual = predictor.predict(alone, 1).get(0).probabilities();
            for (int j = 0; j < expected.length; j++) {
                assertThat(actual[j]).isCloseTo(expected[j], within(1e-5f));
            }
        }
    }

    @Test
    void concurrentCallersGetWhatTheyWouldGetAlone() throws Exception {
        List<float[]> batches = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int b = 0; b < 12; b++) {
            batches.add(randomImages(4, 100 + b));
            expected.add(predictor.predict(batches.get(b), 4).get(3).probabilities());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (float[] batch : batches) {
                results.add(pool.submit(() -> predictor.predict(batch, 4).get(3).probabilities()));
            }
            for (int b = 0; b < batches.size(); b++) {
                assertThat(results.get(b).get()).containsExactly(expected.get(b), within(1e-5f));
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void nativeMemoryStaysFlatOverManyBatches() throws IOException {
        float[] batch = randomImages(16, 4);
        for (int i = 0; i < 50; i++) {
            predictor.predict(batch, 16);
        }
        long before = residentKb();
        for (int i = 0; i < 400; i++) {
            predictor.predict(batch, 16);
        }
        long growthMb = (residentKb() - before) / 1024;

        // A leaked input tensor alone would be 16 x 3 x 64 x 64 x 4 bytes = 0.75 MiB a batch: 300 MiB here.
        assertThat(growthMb).as("resident memory growth over 400 batches, MiB").isLessThan(40);
    }

    @Test
    void encodedImagesArePredictedAndUnusableOnesRejectedWithTheirReason() throws Exception {
        byte[] photo = TestImages.jpeg(noise(128, 128, 11), false);
        byte[] truncated = java.util.Arrays.copyOf(photo, photo.length / 2);

        List<ImageResult> results = predictor.predictImages(List.of(new byte[0], photo, truncated, photo));

        assertThat(results.get(0)).isInstanceOfSatisfying(ImageResult.Rejected.class,
                r -> assertThat(r.error().reason()).isEqualTo(Reason.EMPTY_IMAGE));
        assertThat(results.get(2)).isInstanceOfSatisfying(ImageResult.Rejected.class,
                r -> assertThat(r.error().reason()).isEqualTo(Reason.TRUNCATED_IMAGE));
        float[] expected = predictor.predict(predictor.preprocessor().preprocess(photo), 1).get(0).probabilities();
        for (int i : new int[] {1, 3}) {
            assertThat(results.get(i)).isInstanceOfSatisfying(ImageResult.Predicted.class,
                    p -> assertThat(p.prediction().probabilities()).containsExactly(expected, within(1e-5f)));
        }
    }

    @Test
    void aBatchOfTheWrongSizeIsRefused() {
        assertThatThrownBy(() -> predictor.predict(new float[10], 1))
                .hasMessageContaining("a batch of 1 images needs 12288 floats, got 10");
    }

    @Test
    void aClosedPredictorRefusesWork() throws IOException {
        RegionPredictor second = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"));
        second.warmUp(2);
        second.close();
        second.close();

        assertThatThrownBy(() -> second.predict(randomImages(1, 5), 1)).hasMessageContaining("this predictor is closed");
    }

    /** Random pixels: a JPEG whose scan data is most of the file, so that half of it is truncated mid-scan. */
    private static BufferedImage noise(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }

    private static float[] randomImages(int count, long seed) {
        Random random = new Random(seed);
        float[] batch = new float[count * predictor.imageTensorSize()];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (float) random.nextGaussian();
        }
        return batch;
    }

    private static long residentKb() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
    }
}
