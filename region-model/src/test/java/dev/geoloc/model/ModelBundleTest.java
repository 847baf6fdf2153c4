package dev.geoloc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.regions.CatalogReader;
import dev.geoloc.regions.RegionCatalog;

class ModelBundleTest {

    private final RegionCatalog la = RegionCatalog.losAngeles();

    @TempDir
    Path dir;

    @Test
    void aWrittenBundleOpensWithEverythingItWasGiven() throws IOException {
        Path written = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);

        try (ModelBundle bundle = ModelBundle.open(written)) {
            BundleManifest manifest = bundle.manifest();
            assertThat(manifest.modelName()).isEqualTo("test-model");
            assertThat(manifest.labels()).isEqualTo(la.ids());
            assertThat(manifest.catalogHash()).isEqualTo(la.hash());
            assertThat(manifest.encoderName()).isEqualTo("tiny-cnn");
            assertThat(manifest.embeddingDim()).isEqualTo(128);
            assertThat(manifest.head()).isEqualTo(TestBundles.CLASSIFIER);
            assertThat(manifest.preprocessing()).isEqualTo(EncoderContract.builtIn("tiny-cnn").preprocessing());
            assertThat(manifest.training()).containsEntry("loss", "none").containsEntry("epochs", 0);
            assertThat(manifest.metrics()).containsEntry("accuracy", 0.0);
            assertThat(bundle.catalog().hash()).isEqualTo(la.hash());
            assertThat(bundle.digest()).isEqualTo(Sha256.of(written.resolve("bundle.json")));
        }
    }

    @Test
    void aZippedBundleOpensToTheSameContentsAndZipsToTheSameBytesTwice() throws IOException {
        Path written = TestBundles.untrained(dir.resolve("bundle"), "tiny-vit", new HeadSpec.Prototype(16, 0.07f), la);

        Path first = BundleWriter.zip(written, dir.resolve("a.zip"));
        Path second = BundleWriter.zip(written, dir.resolve("b.zip"));
        Path extractedTo;
        try (ModelBundle fromZip = ModelBundle.open(first); ModelBundle fromDirectory = ModelBundle.open(written)) {
            extractedTo = fromZip.directory();
            assertThat(fromZip.digest()).isEqualTo(fromDirectory.digest());
            assertThat(fromZip.manifest()).isEqualTo(fromDirectory.manifest());
        }
        assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
        assertThat(extractedTo).as("the extracted copy is removed on close").doesNotExist();
    }

    @Test
    void aChangedFileFailsItsChecksum() throws IOException {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        byte[] head = Files.readAllBytes(bundle.resolve("head.params"));
        head[head.length - 1] ^= 1;
        Files.write(bundle.resolve("head.params"), head);

        assertThatThrownBy(() -> ModelBundle.open(bundle)).isInstanceOf(BundleException.class)
                .hasMessageContaining("head.params does not match its sha256 in bundle.json");
    }

    @Test
    void missingAndExtraFilesAreNamed() throws IOException {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        Files.delete(bundle.resolve("encoder.pt"));
        Files.writeString(bundle.resolve("notes.txt"), "hello");

        assertThatThrownBy(() -> ModelBundle.open(bundle)).isInstanceOfSatisfying(BundleException.class,
                e -> assertThat(e.problems()).containsExactly(
                        "notes.txt is in the bundle but not listed in bundle.json", "encoder.pt is missing"));
    }

    @Test
    void aCatalogThatIsNotTheOneTheModelWasTrainedOnIsRefused() throws IOException {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        String movedVenice = la.json().replace("\"latitude\" : 33.98", "\"latitude\" : 33.981")
                .replace("\"latitude\": 33.98,", "\"latitude\": 33.981,");
        RegionCatalog other = CatalogReader.parse(movedVenice, "moved");
        assertThat(other.hash()).isNotEqualTo(la.hash());
        Files.writeString(bundle.resolve("catalog.json"), movedVenice);
        rewriteChecksum(bundle, "catalog.json");

        assertThatThrownBy(() -> ModelBundle.open(bundle))
                .hasMessageContaining("catalog.hash " + la.hash() + " does not match catalog.json, whose hash is " + other.hash());
    }

    @Test
    void labelsOutOfCatalogOrderAreRefused() throws IOException {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        String manifest = Files.readString(bundle.resolve("bundle.json"));
        Files.writeString(bundle.resolve("bundle.json"), manifest.replaceFirst("\"downtown_la\", \"hollywood\"",
                "\"hollywood\", \"downtown_la\""));

        assertThatThrownBy(() -> ModelBundle.open(bundle)).hasMessageContaining("are not the catalog's regions in order");
    }

    @Test
    void aManifestWithMissingFieldsListsThemAll() throws IOException {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        Files.writeString(bundle.resolve("bundle.json"), """
                {"format": "geoloc-model-bundle/1", "model_name": "m", "created": "yesterday",
                 "labels": ["downtown_la"], "catalog": {}, "encoder": {"name": "x", "format": "onnx", "embedding_dim": 0},
                 "head": {"type": "tree"}, "preprocessing": {"input_size": 64, "mean": [0, 0], "std": [1, 1, 1], "resize": "crop"},
                 "files": {}}""");

        assertThatThrownBy(() -> ModelBundle.open(bundle)).isInstanceOfSatisfying(BundleException.class,
                e -> assertThat(e.problems()).containsExactly(
                        "created: 'yesterday' is not an ISO-8601 instant",
                        "catalog.hash: missing (a non-empty string)",
                        "encoder.format: 'onnx' is not supported (only torchscript)",
                        "encoder.embedding_dim: missing (a positive whole number)",
                        "head.type: 'tree' is not classifier or prototype",
                        "preprocessing.mean: missing (an array of 3 numbers)"));
    }

    @Test
    void notABundleSaysSo() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("garbage.zip"), "not a zip at all");

        assertThatThrownBy(() -> ModelBundle.open(dir.resolve("empty")))
                .hasMessageContaining("bundle.json is missing: this is not a model bundle");
        assertThatThrownBy(() -> ModelBundle.open(dir.resolve("garbage.zip")))
                .hasMessageContaining("bundle.json is missing");
        assertThatThrownBy(() -> ModelBundle.open(dir.resolve("nowhere")))
                .hasMessageContaining("no such file or directory");
    }

    @Test
    void anArchiveEntryOutsideTheBundleLayoutIsRefusedBeforeItIsWritten() throws IOException {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        Path archive = dir.resolve("evil.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
            zip.putNextEntry(new ZipEntry("bundle.json"));
            zip.write(Files.readAllBytes(bundle.resolve("bundle.json")));
            zip.putNextEntry(new ZipEntry("../../etc/cron.d/evil"));
            zip.write("* * * * * root true".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }

        assertThatThrownBy(() -> ModelBundle.open(archive))
                .hasMessageContaining("the archive holds '../../etc/cron.d/evil', which is not part of a bundle");
    }

    @Test
    void anArchiveThatInflatesBeyondItsDeclaredSizesIsCutOff() throws IOException {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        Path archive = dir.resolve("bomb.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
            zip.putNextEntry(new ZipEntry("bundle.json"));
            zip.write(Files.readAllBytes(bundle.resolve("bundle.json")));
            zip.putNextEntry(new ZipEntry("encoder.pt"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertThat(Files.size(archive)).as("a small archive").isLessThan(1 << 20);

        assertThatThrownBy(() -> ModelBundle.open(archive))
                .hasMessageContaining("encoder.pt in the archive is larger than the " + Files.size(bundle.resolve("encoder.pt"))
                        + " bytes bundle.json declares");
    }

    @Test
    void anArchiveMustStartWithItsManifest() throws IOException {
        Path archive = dir.resolve("headless.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
            zip.putNextEntry(new ZipEntry("encoder.pt"));
            zip.write(new byte[10]);
            zip.closeEntry();
        }

        assertThatThrownBy(() -> ModelBundle.open(archive))
                .hasMessageContaining("an archive must hold bundle.json as its first entry");
    }

    @Test
    void aCorruptEncoderIsRefusedWhenLoaded() throws IOException {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        Files.write(bundle.resolve("encoder.pt"), "this is not TorchScript".getBytes(StandardCharsets.UTF_8));
        rewriteChecksum(bundle, "encoder.pt");

        try (ModelBundle opened = ModelBundle.open(bundle)) {
            assertThatThrownBy(() -> RegionPredictor.load(opened, PredictorOptions.DEFAULT.withDevice("cpu")))
                    .isInstanceOf(BundleException.class)
                    .hasMessageContaining("encoder.pt cannot be loaded as TorchScript");
        }
    }

    @Test
    void aHeadForAnotherEncoderIsRefusedWhenLoaded() throws IOException {
        Path cnn = TestBundles.untrained(dir.resolve("cnn"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        Path vit = TestBundles.untrained(dir.resolve("vit"), "tiny-vit", TestBundles.CLASSIFIER, la);
        Files.copy(vit.resolve("encoder.pt"), cnn.resolve("encoder.pt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        rewriteChecksum(cnn, "encoder.pt");

        try (ModelBundle opened = ModelBundle.open(cnn)) {
            assertThatThrownBy(() -> RegionPredictor.load(opened, PredictorOptions.DEFAULT.withDevice("cpu")))
                    .isInstanceOf(BundleException.class)
                    .hasMessageContaining("the encoder returns (1, 64) for one 64x64 image; bundle.json promises (1, 128)");
        }
    }

    @Test
    void aHeadForAnotherNumberOfRegionsIsRefusedWhenWrittenAndWhenLoaded() throws IOException {
        RegionCatalog twoRegions = CatalogReader.parse("{\"regions\": [%s, %s]}".formatted(
                dev.geoloc.regions.TestCatalogs.regionJson("north_side", 10.1, 10.2, 20.0, 20.1),
                dev.geoloc.regions.TestCatalogs.regionJson("south_side", 10.0, 10.1, 20.0, 20.1)), "two");
        Path small = TestBundles.untrained(dir.resolve("small"), "tiny-cnn", TestBundles.CLASSIFIER, twoRegions);
        Path la = TestBundles.untrained(dir.resolve("la"), "tiny-cnn", TestBundles.CLASSIFIER, this.la);

        assertThatThrownBy(() -> TestBundles.untrained(dir.resolve("mismatch"), "tiny-cnn", TestBundles.CLASSIFIER,
                this.la, twoRegions.size()))
                .hasMessageContaining("the head returns (1, 2) for one image, but the catalog has 15 regions");

        Files.copy(small.resolve("head.params"), la.resolve("head.params"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        rewriteChecksum(la, "head.params");
        try (ModelBundle opened = ModelBundle.open(la)) {
            assertThatThrownBy(() -> RegionPredictor.load(opened, PredictorOptions.DEFAULT.withDevice("cpu")))
                    .isInstanceOf(BundleException.class)
                    .hasMessageContaining("the head returns (1, 2) for one image; the catalog has 15 regions");
        }
    }

    @Test
    void aBundleWithoutCalibrationHasNoneAndACalibratedCopyReadsBackWhatWasWritten() throws IOException {
        Path plain = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        BundleCalibration written = TestBundles.calibration(la, 1.37);

        Path calibrated;
        try (ModelBundle bundle = ModelBundle.open(plain)) {
            assertThat(bundle.calibration()).isEmpty();
            calibrated = BundleWriter.calibrated(bundle, written, dir.resolve("calibrated"));
        }

        try (ModelBundle original = ModelBundle.open(plain); ModelBundle copy = ModelBundle.open(calibrated)) {
            assertThat(copy.calibration()).contains(written);
            assertThat(copy.calibration().orElseThrow().identifier()).isEqualTo("temperature+spread/1, T=1.370");
            assertThat(copy.manifest().files()).containsKey("calibration.json")
                    .containsAllEntriesOf(original.manifest().files());
            assertThat(copy.manifest().withFiles(original.manifest().files())).isEqualTo(original.manifest());
            assertThat(copy.digest()).as("bundle.json pins one more file").isNotEqualTo(original.digest());
            assertThat(Files.size(calibrated.resolve("calibration.json"))).isLessThan(BundleCalibration.MAX_BYTES);
        }
        try (ModelBundle zipped = ModelBundle.open(BundleWriter.zip(calibrated, dir.resolve("calibrated.zip")))) {
            assertThat(zipped.calibration()).contains(written);
        }
        try (ModelBundle zipped = ModelBundle.open(BundleWriter.zip(plain, dir.resolve("plain.zip")))) {
            assertThat(zipped.calibration()).isEmpty();
        }
    }

    @Test
    void aCalibrationThatIsBrokenIsRefusedWithWhatIsWrong() throws IOException {
        Path plain = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        Path calibrated = TestBundles.calibrated(plain, dir.resolve("calibrated"), 1.5);
        String good = Files.readString(calibrated.resolve("calibration.json"));

        Files.writeString(calibrated.resolve("calibration.json"), good.substring(0, good.length() / 2));
        rewriteChecksum(calibrated, "calibration.json");
        assertThatThrownBy(() -> ModelBundle.open(calibrated)).isInstanceOf(BundleException.class)
                .hasMessageContaining("calibration.json: not valid JSON");

        Files.writeString(calibrated.resolve("calibration.json"), good
                .replace("\"temperature\" : 1.5", "\"temperature\" : 0.0")
                .replace("\"downtown_la\"", "\"little_tokyo\""));
        rewriteChecksum(calibrated, "calibration.json");
        assertThatThrownBy(() -> ModelBundle.open(calibrated)).isInstanceOfSatisfying(BundleException.class,
                e -> assertThat(e.problems()).containsExactly(
                        "calibration.json: temperature: 0.0 is outside [0.05, 20.0]",
                        "calibration.json: photo_spread.regions: [little_tokyo] are not regions of the bundle's catalog",
                        "calibration.json: photo_spread.regions.downtown_la: missing (an array of [latitude, longitude],"
                                + " empty for a region without photos)"));

        Files.writeString(calibrated.resolve("calibration.json"), good.replace("\"temperature\" : 1.5", "\"temperature\" : 1.6"));
        assertThatThrownBy(() -> ModelBundle.open(calibrated)).as("an edit without its checksum is caught like any other")
                .hasMessageContaining("calibration.json is").hasMessageContaining("(corrupted or altered)");
    }

    @Test
    void aCalibrationFileMustBeListedAndAListedOneMustBeThere() throws IOException {
        Path plain = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, la);
        Path calibrated = TestBundles.calibrated(plain, dir.resolve("calibrated"), 1.5);
        Files.copy(calibrated.resolve("calibration.json"), plain.resolve("calibration.json"));
        Files.delete(calibrated.resolve("calibration.json"));

        assertThatThrownBy(() -> ModelBundle.open(plain))
                .hasMessageContaining("calibration.json is in the bundle but not listed in bundle.json");
        assertThatThrownBy(() -> ModelBundle.open(calibrated)).hasMessageContaining("calibration.json is missing");
    }

    /** Plays a careless publisher: replaces a file and updates its checksum and size, so only deeper checks can catch it. */
    private static void rewriteChecksum(Path bundle, String file) throws IOException {
        Path manifest = bundle.resolve("bundle.json");
        com.fasterxml.jackson.databind.node.ObjectNode json =
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(manifest.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("files").get(file))
                .put("sha256", Sha256.of(bundle.resolve(file))).put("bytes", Files.size(bundle.resolve(file)));
        Files.writeString(manifest, Json.MAPPER.writeValueAsString(json));
    }
}
