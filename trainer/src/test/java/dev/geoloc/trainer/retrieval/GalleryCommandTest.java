package dev.geoloc.trainer.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.TestBundles;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.retrieval.GalleryFile;
import dev.geoloc.trainer.TrainerCommand;
import picocli.CommandLine;

class GalleryCommandTest {

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

    @Test
    void theGalleryHoldsTheTrainingPhotosAndTheTunedRetrievalAndTheBundleServesWithIt() throws IOException {
        Path withGallery = dir.resolve("with-gallery");

        int exit = run("gallery", "--bundle", bundle.toString(), "--dataset", dataset.toString(), "--device", "cpu",
                "--out", withGallery.toString());

        assertThat(exit).as(err.toString()).isZero();
        Manifest manifest = Manifest.read(dataset, LA);
        int training = manifest.split(Split.TRAIN).size();
        try (ModelBundle written = ModelBundle.open(withGallery);
             RegionPredictor predictor = RegionPredictor.load(written, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            GalleryFile.Contents gallery = written.gallery().orElseThrow();
            assertThat(gallery.gallery().size()).isEqualTo(training);
            assertThat(gallery.gallery().dimension()).isEqualTo(written.manifest().embeddingDim());
            assertThat(predictor.retrieval()).contains(gallery.retrieval());
            assertThat(out.toString()).contains("the model's point alone", "Gallery of " + training + " photos");
        }
        try (ModelBundle original = ModelBundle.open(bundle)) {
            assertThat(original.gallery()).as("--out leaves the original as it was").isEmpty();
        }

        // and evaluate sets the refined points against the region-level ones, with a plot of both, and (asked)
        // the fused locations against their single photos
        Path report = dir.resolve("evaluation");
        assertThat(run("evaluate", "--bundle", withGallery.toString(), "--dataset", dataset.toString(), "--device", "cpu",
                "--bootstrap", "200", "--per-location", "--out", report.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("(answered: refined by retrieval, ", "refined by retrieval, as served",
                "region-level estimate              mean",
                "served minus region-level estimate [95 % paired bootstrap over locations]");
        // --per-location: each location once, from its views fused, set against the views at their region-level
        // points, since a fused answer is not refined
        assertThat(out.toString()).contains("views fused: mean log-probability",
                "Fused against single photos at their region-level points (a fused answer is the region-level estimate "
                        + "of the fused probabilities, as the stream's is) "
                        + "[95 % paired bootstrap over the same locations, 200 resamples]");
        JsonNode single = new ObjectMapper().readTree(report.resolve("evaluation.json").toFile())
                .at("/per_location/versus_single/single/mean_error_km/photo");
        assertThat(single.asDouble()).as("the views' region-level error, not the refined one")
                .isCloseTo(regionLevelPhotoMeanKm(out.toString()), within(0.005));
        assertThat(report.resolve("error-cdf-points.png")).isNotEmptyFile();
    }

    @Test
    void aCappedGalleryHoldsASampleAndInPlaceRewritesTheBundle() throws IOException {
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        try (var files = Files.list(bundle)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }

        int exit = run("gallery", "--bundle", copy.toString(), "--dataset", dataset.toString(), "--device", "cpu",
                "--max-photos", "10");

        assertThat(exit).as(err.toString()).isZero();
        try (ModelBundle written = ModelBundle.open(copy)) {
            assertThat(written.gallery().orElseThrow().gallery().size()).isEqualTo(10);
        }
        assertThat(run("gallery", "--bundle", copy.toString(), "--dataset", dataset.toString(), "--max-photos", "0"))
                .isEqualTo(2);
    }

    /** The mean error to the photo of the region-level estimates, as the retrieval block prints it. */
    private static double regionLevelPhotoMeanKm(String text) {
        Matcher mean = Pattern.compile("region-level estimate +mean (\\d+\\.\\d+) km").matcher(text);
        assertThat(mean.find()).as(text).isTrue();
        return Double.parseDouble(mean.group(1));
    }

    private int run(String... args) {
        CommandLine command = TrainerCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }
}
