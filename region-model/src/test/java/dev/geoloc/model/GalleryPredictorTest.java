package dev.geoloc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.retrieval.Gallery;
import dev.geoloc.retrieval.Retrieval;

/** A bundle with a gallery refines each prediction's point by its nearest training photos; one without does not. */
class GalleryPredictorTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();
    private static Path dir;
    private static Path plainBundle;
    private static RegionPredictor plain;

    @BeforeAll
    static void load() throws IOException {
        dir = Files.createTempDirectory("gallery-predictor-test");
        plainBundle = TestBundles.untrained(dir.resolve("plain"), "tiny-cnn", TestBundles.CLASSIFIER, LA);
        try (ModelBundle bundle = ModelBundle.open(plainBundle)) {
            plain = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"));
        }
    }

    @AfterAll
    static void close() throws IOException {
        plain.close();
        ModelBundle.deleteTree(dir);
    }

    @Test
    void aGalleryOfTheImagesThemselvesPlacesEachAtItsOwnPhoto() throws IOException {
        // Given a gallery holding three images' own embeddings, each with a place of its own in every region
        float[] images = randomImages(3);
        RegionPredictor.Embedded seen = plain.embed(images, 3);
        int dimension = seen.embeddings().length / 3;
        List<Gallery.Entry> entries = new ArrayList<>();
        List<LatLon> places = List.of(new LatLon(34.01, -118.21), new LatLon(34.02, -118.22), new LatLon(34.03, -118.23));
        for (int i = 0; i < 3; i++) {
            float[] embedding = java.util.Arrays.copyOfRange(seen.embeddings(), i * dimension, (i + 1) * dimension);
            for (int region = 0; region < LA.size(); region++) {
                entries.add(new Gallery.Entry(embedding, places.get(i), region));
            }
        }
        Path withGallery;
        try (ModelBundle bundle = ModelBundle.open(plainBundle)) {
            withGallery = BundleWriter.withGallery(bundle, Gallery.of(dimension, LA.size(), entries),
                    new Retrieval(1, 0.0, 1), dir.resolve("with-gallery"));
        }

        // When the bundle with it predicts the same images
        List<Prediction> predictions;
        List<InferredImage> inferred;
        try (ModelBundle bundle = ModelBundle.open(withGallery);
             RegionPredictor refined = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            predictions = refined.predict(images, 3);
            inferred = refined.infer(images, 3);

            // Then each is refined to its own photo's place, the probabilities untouched
            for (int i = 0; i < 3; i++) {
                Prediction prediction = predictions.get(i);
                assertThat(prediction.refined()).isPresent();
                assertThat(prediction.point().latitude()).isCloseTo(places.get(i).latitude(), within(1e-5));
                assertThat(prediction.refined().get().topSimilarity()).isCloseTo(1, within(1e-3));
                assertThat(prediction.probabilities()).containsExactly(plain.predict(images, 3).get(i).probabilities(),
                        within(1e-6f));
            }
            assertThat(refined.retrieval()).contains(new Retrieval(1, 0.0, 1));
        }
        // and a batch's outputs, read after its model is closed, are refined the same: the embeddings went with them
        for (int i = 0; i < 3; i++) {
            assertThat(inferred.get(i).prediction().refined()).isEqualTo(predictions.get(i).refined());
        }
        // and the model without one answers with its region-level estimate
        Prediction unrefined = plain.predict(images, 1).get(0);
        assertThat(unrefined.refined()).isEmpty();
        assertThat(unrefined.point()).isEqualTo(unrefined.location().location());
    }

    @Test
    void aGalleryOfAnotherDimensionIsRefused() throws IOException {
        try (ModelBundle bundle = ModelBundle.open(plainBundle)) {
            Gallery wrong = Gallery.of(3, LA.size(), List.of(new Gallery.Entry(new float[] {1, 0, 0}, new LatLon(34, -118), 0)));
            assertThatThrownBy(() -> BundleWriter.withGallery(bundle, wrong, new Retrieval(1, 0, 1), dir.resolve("wrong")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 dimensions");
        }
    }

    private static float[] randomImages(int count) {
        Random random = new Random(17);
        float[] batch = new float[count * plain.imageTensorSize()];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (float) random.nextGaussian();
        }
        return batch;
    }
}
