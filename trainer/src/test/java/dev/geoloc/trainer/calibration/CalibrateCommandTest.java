package dev.geoloc.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.Split;
import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.model.BundleCalibration;
import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.TestBundles;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.TrainerCommand;
import picocli.CommandLine;

class CalibrateCommandTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();

    @TempDir
    static Path shared;
    static Path bundle;
    static Path dataset;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void tinyDatasetAndUntrainedModel() throws IOException {
        dataset = shared.resolve("synth");
        new SynthCityGenerator(LA, SynthCityConfig.defaults().withLocationsPerRegion(4).withSize(32, 32))
                .generate(dataset, 2, (done, total) -> { });
        bundle = TestBundles.untrained(shared.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA);
    }

    private int run(String... args) {
        CommandLine command = TrainerCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    @Test
    void fitsTheTemperatureOnValidationAndStoresTheTrainingLocationsBesideAnUntouchedOriginal() throws IOException {
        Manifest manifest = Manifest.read(dataset, LA);
        String digestBefore;
        TemperatureFit expected;
        try (ModelBundle original = ModelBundle.open(bundle);
             RegionPredictor predictor = RegionPredictor.load(original, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            digestBefore = original.digest();
            expected = TemperatureFit.of(SplitLogits.of(predictor, manifest, manifest.split(Split.VALIDATION), 8).logits());
        }
        Path calibrated = dir.resolve("calibrated");

        int exit = run("calibrate", "--bundle", bundle.toString(), "--dataset", dataset.toString(), "--device", "cpu",
                "--out", calibrated.toString());

        assertThat(exit).as(err.toString()).isZero();
        try (ModelBundle original = ModelBundle.open(bundle); ModelBundle written = ModelBundle.open(calibrated)) {
            assertThat(original.digest()).isEqualTo(digestBefore);
            assertThat(original.calibration()).isEmpty();
            BundleCalibration calibration = written.calibration().orElseThrow();
            assertThat(calibration.temperature()).isCloseTo(expected.temperature(), within(1e-9));
            assertThat(calibration.fit()).isEqualTo(new BundleCalibration.Fit("synth", "validation",
                    manifest.split(Split.VALIDATION).size(), expected.nllBefore(), expected.nllAfter()));
            assertThat(calibration.fit().nllAfter()).isLessThanOrEqualTo(calibration.fit().nllBefore());
            for (int j = 0; j < LA.size(); j++) {
                assertThat(calibration.spread().of(j)).as(LA.region(j).id())
                        .containsExactlyInAnyOrderElementsOf(trainingLocations(manifest, LA.region(j).id()));
            }
        }
        assertThat(out.toString()).contains(String.format(Locale.ROOT, "Temperature %.3f: NLL %.4f before, %.4f after, on %d"
                        + " validation images", expected.temperature(), expected.nllBefore(), expected.nllAfter(),
                manifest.split(Split.VALIDATION).size()))
                .contains("Calibrated bundle (temperature+spread/1, T=");
    }

    @Test
    void inPlaceTheBundleIsReplacedWholeAndCalibratingAgainChangesNothing() throws IOException {
        Path copy;
        try (ModelBundle original = ModelBundle.open(bundle)) {
            copy = BundleWriter.calibrated(original, sharpening(), dir.resolve("bundle"));
        }

        assertThat(run("calibrate", "--bundle", copy.toString(), "--dataset", dataset.toString(), "--device", "cpu"))
                .as(err.toString()).isZero();
        String once = Files.readString(copy.resolve("calibration.json"));
        assertThat(run("calibrate", "--bundle", copy.toString(), "--dataset", dataset.toString(), "--device", "cpu"))
                .as(err.toString()).isZero();

        assertThat(Files.readString(copy.resolve("calibration.json")))
                .as("fitted on the head's own logits, not the old calibration's, and the same sample drawn")
                .isEqualTo(once);
        try (ModelBundle calibrated = ModelBundle.open(copy)) {
            assertThat(calibrated.calibration().orElseThrow().temperature()).isNotEqualTo(sharpening().temperature());
        }
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("bundle");
        }
    }

    @Test
    void aZipNeedsOutAndTheTrainSplitIsRefused() throws IOException {
        Path zip = BundleWriter.zip(bundle, dir.resolve("bundle.zip"));

        assertThat(run("calibrate", "--bundle", zip.toString(), "--dataset", dataset.toString(), "--device", "cpu"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("a zipped bundle cannot be rewritten in place");
        assertThat(run("calibrate", "--bundle", bundle.toString(), "--dataset", dataset.toString(), "--split", "train"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("a temperature is fitted on images the model did not train on");
        assertThat(run("calibrate", "--bundle", zip.toString(), "--dataset", dataset.toString(), "--device", "cpu",
                "--out", dir.resolve("from-zip").toString())).as(err.toString()).isZero();
    }

    /** A calibration the command must replace, not build on: T = 0.2 and a single made-up point per region. */
    private static BundleCalibration sharpening() {
        return new BundleCalibration(0.2, new BundleCalibration.Fit("other", "validation", 1, 1, 1), "made up",
                new dev.geoloc.regions.PhotoSpread(LA.regions().stream().map(r -> List.of(r.center())).toList()));
    }

    private static Set<LatLon> trainingLocations(Manifest manifest, String region) {
        return new HashSet<>(manifest.split(Split.TRAIN).stream().filter(e -> e.regionId().equals(region))
                .map(ManifestEntry::location).toList());
    }
}
