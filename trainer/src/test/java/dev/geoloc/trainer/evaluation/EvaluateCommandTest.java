package dev.geoloc.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.Split;
import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.model.ImageResult;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.panorama.PanoramaFusion;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.trainer.TrainerCommand;
import dev.geoloc.trainer.publish.EvaluationMetricsReader;
import picocli.CommandLine;

class EvaluateCommandTest {

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
        RegionCatalog catalog = RegionCatalog.losAngeles();
        dataset = shared.resolve("synth");
        new SynthCityGenerator(catalog, SynthCityConfig.defaults().withLocationsPerRegion(3).withSize(32, 32))
                .generate(dataset, 2, (done, total) -> { });
        bundle = UntrainedBundle.write(shared.resolve("bundle"), catalog);
    }

    private int run(String... args) {
        CommandLine command = TrainerCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    @Test
    void evaluatesTheTestSplitAndWritesEveryReport() throws IOException {
        List<ManifestEntry> test = Manifest.read(dataset, null).split(Split.TEST);
        int testImages = test.size();
        long locations = test.stream().map(ManifestEntry::locationId).distinct().count();
        Path report = dir.resolve("report");

        int exit = run("evaluate", "--bundle", bundle.toString(), "--dataset", dataset.toString(), "--batch-size", "8",
                "--device", "cpu", "--out", report.toString(), "--name", "Untrained tiny");

        assertThat(exit).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(report.resolve("evaluation.json").toFile());
        assertThat(json.at("/samples").asInt()).isEqualTo(testImages).isPositive();
        assertThat(json.at("/model/name").asText()).isEqualTo("Untrained tiny");
        assertThat(json.at("/model/backbone").asText()).isEqualTo("tiny-cnn");
        assertThat(json.at("/model/loss").asText()).isEqualTo("CE");
        assertThat(json.at("/split").asText()).isEqualTo("test");
        assertThat(json.at("/regions").size()).isEqualTo(15);
        assertThat(json.at("/skipped").size()).isZero();
        assertThat(Files.readString(report.resolve("evaluation.md"))).contains(ResultsTable.HEADER, "| Untrained tiny | tiny-cnn | CE |");
        assertThat(ImageIO.read(report.resolve("confusion.png").toFile())).isNotNull();
        assertThat(ImageIO.read(report.resolve("error-cdf.png").toFile())).isNotNull();
        assertThat(ImageIO.read(report.resolve("reliability.png").toFile())).isNotNull();
        assertThat(json.at("/bootstrap/resamples").asInt()).isEqualTo(2000);
        assertThat(json.at("/bootstrap/locations").asInt()).isEqualTo(locations).isLessThan(testImages);
        assertThat(json.at("/calibration/available").asBoolean()).isTrue();
        assertThat(json.has("per_location")).as("only when asked for").isFalse();
        assertThat(json.at("/errors_km/photo/within_km").has("0.25")).isTrue();
        assertThat(json.at("/bootstrap/errors_km/photo/within_km/0.5").size()).isEqualTo(2);
        assertThat(out.toString())
                .containsPattern("Error, estimate to photo: +mean [0-9.]+ \\[[0-9.]+, [0-9.]+\\] km, median [0-9.]+ "
                        + "\\[[0-9.]+, [0-9.]+\\] km, @0\\.25km [0-9.]+ \\[[0-9.]+, [0-9.]+\\] %, @0\\.5km ")
                .doesNotContain("@0km")
                .contains(testImages + " images evaluated, 0 skipped")
                .contains("; " + locations + " locations")
                .containsPattern("Accuracy \\d+\\.\\d\\d \\[\\d+\\.\\d\\d, \\d+\\.\\d\\d\\] %")
                .contains("Calibration: ECE ", "Expected error, estimate to true center: Spearman ")
                .contains(ResultsTable.HEADER)
                .contains("Wrote evaluation.json", "reliability.png");
        assertThat(err.toString()).contains(testImages + "/" + testImages + " images (100%)").contains("images/s, ETA");
    }

    @Test
    void asJsonStandardOutputIsTheEvaluationDocumentAndTheSummaryGoesToStandardError() throws IOException {
        int testImages = Manifest.read(dataset, null).split(Split.TEST).size();

        int exit = run("evaluate", "--bundle", bundle.toString(), "--dataset", dataset.toString(), "--batch-size", "8",
                "--device", "cpu", "--bootstrap", "0", "--output", "json");

        assertThat(exit).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(json.at("/samples").asInt()).isEqualTo(testImages);
        assertThat(json.at("/split").asText()).isEqualTo("test");
        assertThat(json.at("/accuracy").isNumber()).isTrue();
        assertThat(err.toString()).contains(testImages + " images evaluated", ResultsTable.HEADER);
    }

    @Test
    void aBundleWithCellsIsScoredAtItsCellPointAndComparedWithItsRegionLevelEstimate() throws IOException {
        Path cells = dev.geoloc.model.TestBundles.withCells(dir.resolve("cells"), RegionCatalog.losAngeles(), 4);
        Path report = dir.resolve("cells-report");

        int exit = run("evaluate", "--bundle", cells.toString(), "--dataset", dataset.toString(), "--batch-size", "8",
                "--device", "cpu", "--bootstrap", "200", "--out", report.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("Points below the region, to the photo (answered: cell head's point, 60 cells):")
                .containsPattern("  cell head's point, as served +mean [0-9.]+ km")
                .containsPattern("  region-level estimate +mean [0-9.]+ km")
                .contains("served minus region-level estimate [95 % paired bootstrap over locations]: mean ")
                .contains(PointComparison.CDF_PNG);
        assertThat(ImageIO.read(report.resolve(PointComparison.CDF_PNG).toFile())).isNotNull();
    }

    /**
     * The command's fused figures against the same fusion done here: the model's probabilities for each test photo,
     * fused by location with {@link PanoramaFusion}, the most probable region taken (the lower index on a tie).
     */
    @Test
    void perLocationAnswersEachLocationOnceFromItsFusedViews() throws IOException {
        Manifest manifest = Manifest.read(dataset, null);
        List<ManifestEntry> test = manifest.split(Split.TEST);
        Path report = dir.resolve("fused");

        int exit = run("evaluate", "--bundle", bundle.toString(), "--dataset", dataset.toString(), "--device", "cpu",
                "--batch-size", Integer.toString(test.size()), "--bootstrap", "300", "--per-location",
                "--out", report.toString());

        assertThat(exit).as(err.toString()).isZero();
        Map<String, List<float[]>> views = new LinkedHashMap<>();
        Map<String, Integer> truth = new HashMap<>();
        RegionCatalog catalog = RegionCatalog.losAngeles();
        List<byte[]> images = new ArrayList<>();
        for (ManifestEntry entry : test) {
            images.add(Files.readAllBytes(manifest.resolve(entry)));
        }
        try (ModelBundle model = ModelBundle.open(bundle);
             RegionPredictor predictor = RegionPredictor.load(model, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            List<ImageResult> results = predictor.predictImages(images); // one batch, as the command's
            for (int i = 0; i < test.size(); i++) {
                ManifestEntry entry = test.get(i);
                views.computeIfAbsent(entry.locationId(), id -> new ArrayList<>())
                        .add(((ImageResult.Predicted) results.get(i)).prediction().probabilities());
                truth.put(entry.locationId(), catalog.indexOf(entry.regionId()));
            }
        }
        int right = 0;
        double centersKm = 0;
        for (Map.Entry<String, List<float[]>> location : views.entrySet()) {
            float[] fused = PanoramaFusion.fuse(location.getValue());
            int predicted = 0;
            for (int j = 1; j < fused.length; j++) {
                predicted = fused[j] > fused[predicted] ? j : predicted;
            }
            int trueRegion = truth.get(location.getKey());
            right += predicted == trueRegion ? 1 : 0;
            centersKm += catalog.distanceKm(predicted, trueRegion);
        }
        int locations = views.size();
        List<Integer> viewCounts = views.values().stream().map(List::size).sorted().toList();
        JsonNode json = new ObjectMapper().readTree(report.resolve("evaluation.json").toFile());
        JsonNode perLocation = json.at("/per_location");
        assertThat(json.at("/samples").asInt()).as("the single photos stay the top level").isEqualTo(test.size());
        assertThat(perLocation.at("/locations").asInt()).isEqualTo(locations).isLessThan(test.size());
        assertThat(perLocation.at("/samples").asInt()).isEqualTo(locations);
        assertThat(perLocation.at("/views/min").asInt()).isEqualTo(viewCounts.get(0));
        assertThat(perLocation.at("/views/max").asInt()).isEqualTo(viewCounts.get(locations - 1));
        assertThat(perLocation.at("/correct").asInt()).isEqualTo(right);
        assertThat(perLocation.at("/errors_km/region_centers/mean").asDouble()).isCloseTo(centersKm / locations, within(1e-9));
        assertThat(perLocation.at("/bootstrap/locations").asInt()).isEqualTo(locations);
        double gain = (double) right / locations - json.at("/accuracy").asDouble();
        JsonNode versus = perLocation.at("/versus_single");
        assertThat(versus.at("/accuracy_gain/estimate").asDouble()).isCloseTo(gain, within(1e-12));
        assertThat(versus.at("/accuracy_gain/interval").size()).isEqualTo(2);
        assertThat(versus.at("/mean_error_change/photo/estimate").asDouble()).isCloseTo(
                perLocation.at("/errors_km/photo/mean").asDouble() / json.at("/errors_km/photo/mean").asDouble() - 1,
                within(1e-12));
        boolean accuracyMet = gain >= 0.06;
        assertThat(versus.at("/targets/accuracy_gain/met").asBoolean()).isEqualTo(accuracyMet);
        assertThat(out.toString())
                .contains("Per location (" + locations + " locations, views fused: mean log-probability)")
                .contains("views per location: min " + viewCounts.get(0) + ", median ")
                .contains("[95 % intervals: bootstrap of the " + locations + " locations, 300 resamples, seed 1]")
                .contains(String.format(Locale.ROOT, "Accuracy %.2f [", 100.0 * right / locations))
                .contains("Fused against single photos [95 % paired bootstrap over the same locations, 300 resamples]:")
                .contains(String.format(Locale.ROOT, "%+.1f [", 100 * gain))
                .contains("Targets: accuracy at least +6 points: " + (accuracyMet ? "met" : "missed"));
        assertThat(Files.readString(report.resolve("evaluation.md")))
                .contains("## Per location: views fused", "### Fused against single photos");
        // publish reads the single photos' figures, as from a report without per_location
        EvaluationMetrics published = EvaluationMetricsReader.fromFile(report.resolve("evaluation.json"));
        assertThat(published.getSamples()).isEqualTo(test.size());
        assertThat(published.getAccuracy()).isEqualTo(json.at("/accuracy").asDouble());
    }

    @Test
    void theBootstrapCanBeTunedOrTurnedOff() throws IOException {
        Path report = dir.resolve("plain");

        int exit = run("evaluate", "--bundle", bundle.toString(), "--dataset", dataset.toString(), "--device", "cpu",
                "--bootstrap", "0", "--out", report.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).doesNotContain("95 % intervals").containsPattern("Accuracy \\d+\\.\\d\\d %");
        JsonNode json = new ObjectMapper().readTree(report.resolve("evaluation.json").toFile());
        assertThat(json.has("bootstrap")).isFalse();
        assertThat(Files.readString(report.resolve("evaluation.md"))).contains("No intervals: the bootstrap was turned off.");

        assertThat(run("evaluate", "--bundle", bundle.toString(), "--dataset", dataset.toString(), "--device", "cpu",
                "--bootstrap", "100", "--bootstrap-seed", "9")).isZero();
        assertThat(out.toString()).contains("[95 % intervals: bootstrap of the test locations, 100 resamples, seed 9]");
    }

    @Test
    void unreadableImagesAreSkippedAndReported() throws IOException {
        Path copy = copyOf(dataset, dir.resolve("damaged"));
        Manifest manifest = Manifest.read(copy, null);
        List<ManifestEntry> test = manifest.split(Split.TEST);
        Files.write(manifest.resolve(test.get(0)), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        Files.delete(manifest.resolve(test.get(1)));

        int exit = run("evaluate", "--bundle", bundle.toString(), "--dataset", copy.toString(), "--device", "cpu");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains((test.size() - 2) + " images evaluated, 2 skipped");
    }

    @Test
    void noUsableImageFails() throws IOException {
        Path copy = copyOf(dataset, dir.resolve("empty"));
        Manifest manifest = Manifest.read(copy, null);
        for (ManifestEntry entry : manifest.split(Split.TEST)) {
            Files.delete(manifest.resolve(entry));
        }

        assertThat(run("evaluate", "--bundle", bundle.toString(), "--dataset", copy.toString(), "--device", "cpu")).isEqualTo(1);
        assertThat(err.toString()).contains("evaluate failed: none of the " + manifest.split(Split.TEST).size()
                + " images could be used; the first: ").contains(": no such file");
    }

    @Test
    void aDatasetWithRegionsTheModelDoesNotKnowFails() throws IOException {
        Path copy = copyOf(dataset, dir.resolve("foreign"));
        Path manifest = copy.resolve(Manifest.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replaceFirst(",hollywood,", ",atlantis,"));

        assertThat(run("evaluate", "--bundle", bundle.toString(), "--dataset", copy.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("evaluate failed: the dataset's regions [atlantis] are not in the bundle's");
    }

    @Test
    void aMissingBundleFailsWithOne() {
        assertThat(run("evaluate", "--bundle", dir.resolve("nope").toString(), "--dataset", dataset.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("evaluate failed: Invalid model bundle");
    }

    @Test
    void wrongUsageExitsWithTwo() {
        String[] required = {"evaluate", "--bundle", bundle.toString(), "--dataset", dataset.toString()};
        assertThat(run("evaluate", "--dataset", dataset.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--bundle=PATH'");
        assertThat(run(append(required, "--batch-size", "0"))).isEqualTo(2);
        assertThat(err.toString()).contains("--batch-size must be 1 to 1024, not 0");
        assertThat(run(append(required, "--split", "holdout"))).isEqualTo(2);
        assertThat(err.toString()).contains("split 'holdout' is not one of train, validation, test");
        assertThat(run(append(required, "--device", "tpu"))).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown device 'tpu'");
        assertThat(run(append(required, "--bootstrap", "-1"))).isEqualTo(2);
        assertThat(err.toString()).contains("--bootstrap must be 0 (no intervals) or more, not -1");
    }

    @Test
    void helpNamesTheOutputs() {
        assertThat(run("evaluate", "--help")).isZero();
        assertThat(out.toString()).contains("--bundle", "--dataset", "--split", "--batch-size", "--device", "--out",
                "--name", "--bootstrap", "--bootstrap-seed", "--per-location", "error-cdf.png", "reliability.png", "Exit codes");
    }

    private static String[] append(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static Path copyOf(Path source, Path target) throws IOException {
        try (var paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path to = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(path, to);
                }
            }
        }
        return target;
    }
}
