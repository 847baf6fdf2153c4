package dev.geoloc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.geoloc.cells.Cell;
import dev.geoloc.cells.CellPartition;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.PointError;
import dev.geoloc.regions.RegionCatalog;

/** A bundle with cells: its head's cells fold into regions, and each prediction is placed in a cell. */
class CellPredictorTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();
    private static Path dir;
    private static Path bundle;

    @BeforeAll
    static void write() throws IOException {
        dir = Files.createTempDirectory("cell-predictor-test");
        bundle = TestBundles.withCells(dir.resolve("cells"), LA, 4);
    }

    @AfterAll
    static void clean() throws IOException {
        ModelBundle.deleteTree(dir);
    }

    @Test
    void eachPredictionIsPlacedInACellOfItsRegionWithinTheCellsBound() throws IOException {
        // Given a bundle whose head classifies 4 cells per region
        try (ModelBundle opened = ModelBundle.open(bundle);
             RegionPredictor predictor = RegionPredictor.load(opened, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            CellPartition cells = predictor.cells().orElseThrow();
            assertThat(cells.size()).isEqualTo(4 * LA.size());

            // When it predicts a batch
            List<Prediction> predictions = predictor.predict(images(3, predictor.imageTensorSize()), 3);

            // Then each has region probabilities summing to 1 and a point in a cell of its predicted region
            for (Prediction prediction : predictions) {
                float sum = 0;
                for (float p : prediction.probabilities()) {
                    sum += p;
                }
                assertThat(sum).isCloseTo(1f, within(1e-4f));
                int region = prediction.predicted().index();
                Cell cell = cells.cells().get(prediction.cell().orElseThrow().cell());
                assertThat(cell.region()).isEqualTo(region);
                // the mean of the region's cells' points: within the ring of cells, widened by their bound
                double fromCenter = Geodesy.haversineKm(LA.center(region), prediction.point());
                assertThat(fromCenter).isLessThanOrEqualTo(0.6 + Math.sqrt(2) * cell.boundKm() + 1e-6);
                assertThat(prediction.cell().get().probability()).isPositive()
                        .isLessThanOrEqualTo(prediction.predicted().probability());
                assertThat(prediction.point()).isEqualTo(prediction.cell().get().point());
                // and an error bar of its own around that point, over the cells (at their centres: no calibration)
                PointError error = prediction.pointError().orElseThrow();
                double farthestCell = cells.cells().stream()
                        .mapToDouble(c -> Geodesy.haversineKm(prediction.point(), c.centre())).max().orElseThrow();
                assertThat(error.expectedErrorKm()).isPositive().isLessThanOrEqualTo(farthestCell);
                assertThat(error.confidenceRadiusKm()).isBetween(0.0, farthestCell);
                assertThat(error.confidenceLevel()).isEqualTo(0.9);
                assertThat(prediction.error()).isEqualTo(error);
            }
        }
    }

    @Test
    void aBatchsOutputsMakeTheSamePredictionsOnAnotherThreadAfterTheModelIsClosed() throws Exception {
        // Given a cell model's predictions of a batch, and the same batch only run through the model
        float[] batch;
        List<Prediction> made;
        List<InferredImage> inferred;
        try (ModelBundle opened = ModelBundle.open(bundle);
             RegionPredictor predictor = RegionPredictor.load(opened, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            batch = images(3, predictor.imageTensorSize());
            made = predictor.predict(batch, 3);
            inferred = predictor.infer(batch, 3);
        }

        // When another thread reads each image's prediction, the model closed meanwhile (as after a swap)
        List<Prediction> read = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> inferred.stream().map(InferredImage::prediction).toList()).get();

        // Then they are the predictions the model made: cell, point and error bar
        for (int i = 0; i < 3; i++) {
            assertThat(read.get(i).probabilities()).containsExactly(made.get(i).probabilities());
            assertThat(read.get(i).top()).isEqualTo(made.get(i).top());
            assertThat(read.get(i).location()).isEqualTo(made.get(i).location());
            assertThat(read.get(i).cell()).isEqualTo(made.get(i).cell()).isPresent();
            assertThat(read.get(i).pointError()).isEqualTo(made.get(i).pointError()).isPresent();
        }
        // and an image asked twice is made once
        assertThat(inferred.get(0).prediction()).isSameAs(read.get(0));
    }

    @Test
    void theCellsComeBackAsTheyWereWritten() throws IOException {
        try (ModelBundle opened = ModelBundle.open(bundle)) {
            assertThat(opened.cells().orElseThrow().partition().cells())
                    .isEqualTo(TestBundles.cells(LA, 4).partition().cells());
            assertThat(opened.cells().get().source()).contains("ring");
        }
    }

    @Test
    void aCellsFileThatDoesNotFitTheCatalogIsRefusedWithItsReason() throws IOException {
        // Given a copy whose cells.json names a region the catalog lacks, its checksum updated so only its content is wrong
        Path copy = dir.resolve("bad-cells");
        Files.createDirectories(copy);
        try (var files = Files.list(bundle)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        String json = Files.readString(copy.resolve(ModelBundle.CELLS), StandardCharsets.UTF_8);
        String firstRegion = LA.region(0).id();
        Files.writeString(copy.resolve(ModelBundle.CELLS), json.replaceFirst("\"" + firstRegion + "\"", "\"atlantis\""));
        var manifest = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(copy.resolve(ModelBundle.MANIFEST).toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.path("files").path(ModelBundle.CELLS))
                .put("sha256", Sha256.of(copy.resolve(ModelBundle.CELLS)))
                .put("bytes", Files.size(copy.resolve(ModelBundle.CELLS)));
        Files.writeString(copy.resolve(ModelBundle.MANIFEST), Json.MAPPER.writeValueAsString(manifest));

        // Then opening it names the file, the cell and the region
        assertThatThrownBy(() -> ModelBundle.open(copy)).isInstanceOf(BundleException.class)
                .hasMessageContaining("cells.json: cells[0].region: 'atlantis' is not a region of the bundle's catalog");
    }

    @Test
    void aHeadThatDoesNotGiveThreeNumbersPerCellIsNotWritten() throws IOException {
        CellsFile.Contents cells = TestBundles.cells(LA, 4);
        Path encoder = EncoderContract.copyBuiltIn("tiny-cnn", dir.resolve("wrong.pt"));
        try (var manager = ai.djl.ndarray.NDManager.newBaseManager(InferenceDevice.ENGINE)) {
            ai.djl.nn.Block head = Heads.build(TestBundles.CLASSIFIER, LA.size());
            head.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32,
                    new ai.djl.ndarray.types.Shape(1, EncoderContract.builtIn("tiny-cnn").embeddingDim()));
            BundleWriter writer = new BundleWriter("wrong", LA).encoder(EncoderContract.builtIn("tiny-cnn"), encoder)
                    .head(TestBundles.CLASSIFIER, head).cells(cells);
            assertThatThrownBy(() -> writer.write(dir.resolve("wrong")))
                    .hasMessageContaining("60 cells need 180 (a logit and an offset each)");
        }
    }

    private static float[] images(int count, int floats) {
        Random random = new Random(11);
        float[] batch = new float[count * floats];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (float) random.nextGaussian();
        }
        return batch;
    }
}
