package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.ImageResult;
import dev.geoloc.model.InferredImage;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.Prediction;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.TestBundles;
import dev.geoloc.processor.batching.Outcome;
import dev.geoloc.processor.versions.Route;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.PointError;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.retrieval.Gallery;
import dev.geoloc.retrieval.Retrieval;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.schemas.RegionPrediction;

/**
 * What a prediction record says beyond the region: the refined point and its error, the cell, the calibration, and
 * what it copies from its event for consumers.
 */
class PredictionRecordsTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();
    private static final LatLon GALLERY_PLACE = new LatLon(34.0500, -118.2500);
    private static final GeoPoint TRUTH = new GeoPoint(34.0600, -118.2500);

    @TempDir
    Path dir;

    @Test
    void aCalibratedModelWithAGalleryPutsItsRefinedPointAndCalibrationInTheRecord() throws Exception {
        // Given a calibrated model whose gallery holds the photo itself, at one place, in every region
        byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED, TestImages.BLUE), false);
        Path calibrated = TestBundles.calibrated(TestBundles.untrained(dir.resolve("plain"), "tiny-cnn",
                TestBundles.CLASSIFIER, LA), dir.resolve("calibrated"), 0.5);
        Path withGallery;
        try (ModelBundle bundle = ModelBundle.open(calibrated);
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            float[] tensor = new float[predictor.imageTensorSize()];
            predictor.preprocessor().preprocess(photo, tensor, 0);
            float[] embedding = predictor.embed(tensor, 1).embeddings();
            List<Gallery.Entry> entries = new ArrayList<>();
            for (int region = 0; region < LA.size(); region++) {
                entries.add(new Gallery.Entry(embedding, GALLERY_PLACE, region));
            }
            withGallery = BundleWriter.withGallery(bundle, Gallery.of(embedding.length, LA.size(), entries),
                    new Retrieval(3, 0.5, 1), dir.resolve("gallery"));
        }

        try (ModelBundle bundle = ModelBundle.open(withGallery);
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            // When it predicts the photo and the record is made
            Prediction prediction = ((ImageResult.Predicted) predictor.predictImages(List.of(photo)).get(0)).prediction();
            RegionPrediction record = PredictionRecords.of(event(photo), new Outcome.Predicted(InferredImage.of(prediction),
                    new ServedModel("la-street", 4, predictor), Route.STABLE, 1, 0, 0, Optional.empty()), 0, Instant.now());

            // Then it carries the refined point, its error to the truth, and the calibration
            assertThat(record.getRefinedLocation().getLatitude()).isCloseTo(GALLERY_PLACE.latitude(), within(1e-5));
            assertThat(record.getRefinedErrorKm()).isCloseTo(
                    GALLERY_PLACE.distanceKm(new LatLon(TRUTH.getLatitude(), TRUTH.getLongitude())), within(1e-3));
            assertThat(record.getCalibration()).startsWith("temperature+spread/1").contains("T=0.500");
            // with the error bar around the refined point, from the same probabilities and photo samples
            PointError atRefined = predictor.locationEstimator().errorAt(prediction.probabilities(), prediction.point());
            assertThat(record.getRefinedExpectedErrorKm()).isEqualTo(atRefined.expectedErrorKm());
            assertThat(record.getRefinedConfidenceRadiusKm()).isEqualTo(atRefined.confidenceRadiusKm());
            // while the region-level estimate stays where it was
            assertThat(record.getEstimatedLocation().getLatitude())
                    .isEqualTo(prediction.location().location().latitude());
        }
    }

    @Test
    void aCellModelAnswersWithItsCellAndTheCellsPoint() throws Exception {
        // Given a model whose head classifies 4 cells per region
        byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED, TestImages.BLUE), false);
        try (ModelBundle bundle = ModelBundle.open(TestBundles.withCells(dir.resolve("cells"), LA, 4));
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            // When it predicts the photo and the record is made
            Prediction prediction = ((ImageResult.Predicted) predictor.predictImages(List.of(photo)).get(0)).prediction();
            RegionPrediction record = PredictionRecords.of(event(photo), new Outcome.Predicted(InferredImage.of(prediction),
                    new ServedModel("la-street", 2, predictor), Route.STABLE, 1, 0, 0, Optional.empty()), 0, Instant.now());

            // Then the record names the cell and answers with the cell's point, its error measured from there
            LatLon cellPoint = prediction.cell().orElseThrow().point();
            assertThat(record.getCell()).isEqualTo(prediction.cell().get().cell());
            assertThat(record.getRefinedLocation().getLatitude()).isEqualTo(cellPoint.latitude());
            assertThat(record.getRefinedLocation().getLongitude()).isEqualTo(cellPoint.longitude());
            assertThat(record.getRefinedErrorKm()).isCloseTo(
                    cellPoint.distanceKm(new LatLon(TRUTH.getLatitude(), TRUTH.getLongitude())), within(1e-9));
            // and the error bar measured over the cells around that point
            PointError overCells = prediction.pointError().orElseThrow();
            assertThat(record.getRefinedExpectedErrorKm()).isEqualTo(overCells.expectedErrorKm());
            assertThat(record.getRefinedConfidenceRadiusKm()).isEqualTo(overCells.confidenceRadiusKm());
            assertThat(record.getEstimatedLocation().getLatitude())
                    .isEqualTo(prediction.location().location().latitude());
        }
    }

    @Test
    void aPlainModelLeavesThemNull() throws Exception {
        byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED, TestImages.BLUE), false);
        try (ModelBundle bundle = ModelBundle.open(TestBundles.untrained(dir.resolve("plain"), "tiny-cnn",
                TestBundles.CLASSIFIER, LA));
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            Prediction prediction = ((ImageResult.Predicted) predictor.predictImages(List.of(photo)).get(0)).prediction();

            RegionPrediction record = PredictionRecords.of(event(photo), new Outcome.Predicted(InferredImage.of(prediction),
                    new ServedModel("la-street", 1, predictor), Route.STABLE, 1, 0, 0, Optional.empty()), 0, Instant.now());

            assertThat(record.getRefinedLocation()).isNull();
            assertThat(record.getRefinedErrorKm()).isNull();
            assertThat(record.getRefinedExpectedErrorKm()).isNull();
            assertThat(record.getRefinedConfidenceRadiusKm()).isNull();
            assertThat(record.getCell()).isNull();
            assertThat(record.getCalibration()).isNull();
        }
    }

    @Test
    void theRecordCarriesThePlatformUploadTimeMetadataAndTruthConsumersJoinAndDrawOn() throws Exception {
        // Given an event from a platform, with its upload time and its own metadata
        byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED, TestImages.BLUE), false);
        Instant uploaded = Instant.parse("2026-12-05T10:15:30.123Z");
        ImageEvent event = ImageEvent.newBuilder(event(photo)).setSourcePlatform("photo-app-eu")
                .setUploadTime(uploaded).setMetadata(java.util.Map.of("album", "a-17", "user", "u-42")).build();
        try (ModelBundle bundle = ModelBundle.open(TestBundles.untrained(dir.resolve("plain"), "tiny-cnn",
                TestBundles.CLASSIFIER, LA));
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            Prediction prediction = ((ImageResult.Predicted) predictor.predictImages(List.of(photo)).get(0)).prediction();

            // When its record is made
            RegionPrediction record = PredictionRecords.of(event, new Outcome.Predicted(InferredImage.of(prediction),
                    new ServedModel("la-street", 1, predictor), Route.STABLE, 1, 0, 0, Optional.empty()), 0,
                    uploaded.plusMillis(250));

            // Then a consumer can slice and join on them without reading image-events
            assertThat(record.getSourcePlatform()).isEqualTo("photo-app-eu");
            assertThat(record.getUploadTime()).isEqualTo(uploaded);
            assertThat(record.getMetadata()).containsExactlyInAnyOrderEntriesOf(
                    java.util.Map.of("album", "a-17", "user", "u-42"));
            assertThat(record.getEndToEndLatencyMs()).isEqualTo(250.0);
            // and a dashboard can draw the error from the prediction to where the photo was taken
            assertThat(record.getGroundTruth()).isEqualTo(TRUTH);
        }
    }

    private static ImageEvent event(byte[] photo) {
        return ImageEvent.newBuilder().setImageId("photo-1").setContent(new InlineImage(ByteBuffer.wrap(photo)))
                .setUploadTime(Instant.now()).setSourcePlatform("records-test").setGroundTruth(TRUTH).build();
    }
}
