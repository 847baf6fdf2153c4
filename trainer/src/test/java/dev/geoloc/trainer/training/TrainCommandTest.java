package dev.geoloc.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.model.BundleCalibration;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.TrainerCommand;
import picocli.CommandLine;

class TrainCommandTest {

    @TempDir
    Path dir;

    private final StringWriter errors = new StringWriter();

    private int run(String... args) {
        CommandLine command = TrainerCommand.commandLine();
        command.setErr(new PrintWriter(errors));
        return command.execute(args);
    }

    @Test
    void trainsWithAStudyLossAndWritesABundle() throws IOException {
        new SynthCityGenerator(RegionCatalog.losAngeles(), SynthCityConfig.defaults().withLocationsPerRegion(4)
                .withHeadings(List.of(0, 180)).withSize(64, 64)).generate(dir.resolve("data"), 2, (done, total) -> { });

        int exit = run("train", "--dataset", dir.resolve("data").toString(), "--out", dir.resolve("run").toString(),
                "--loss", "geo-smooth:epsilon=0.2", "--epochs", "2", "--batch-size", "16", "--device", "cpu");

        assertThat(exit).isZero();
        assertThat(Files.readAllLines(dir.resolve("run/training-log.jsonl"))).hasSize(2);
        try (ModelBundle bundle = ModelBundle.open(dir.resolve("run/bundle"))) {
            assertThat(bundle.manifest().training()).containsEntry("loss", "Geo Smooth")
                    .containsEntry("backbone", "tiny-cnn");
            assertThat(bundle.manifest().modelName()).as("the model processors follow by default (compose, k8s)")
                    .isEqualTo("la-street");
            BundleCalibration calibration = bundle.calibration().orElseThrow();
            assertThat(calibration.fit().split()).isEqualTo("validation");
            assertThat(calibration.fit().images()).isEqualTo(Manifest.read(dir.resolve("data"), null)
                    .split(Split.VALIDATION).size());
            assertThat(calibration.fit().nllAfter()).isLessThanOrEqualTo(calibration.fit().nllBefore());
        }
        assertThat(dir.resolve("run/bundle.uncalibrated")).doesNotExist();
    }

    @Test
    void trainsACellHeadAndItsBundlePlacesPhotosInCells() throws IOException {
        new SynthCityGenerator(RegionCatalog.losAngeles(), SynthCityConfig.defaults().withLocationsPerRegion(6)
                .withHeadings(List.of(0, 180)).withSize(64, 64)).generate(dir.resolve("data"), 2, (done, total) -> { });

        int exit = run("train", "--dataset", dir.resolve("data").toString(), "--out", dir.resolve("cells").toString(),
                "--loss", "cells:per-region=3,tau=0.5", "--epochs", "2", "--batch-size", "16", "--device", "cpu");

        assertThat(exit).isZero();
        try (ModelBundle bundle = ModelBundle.open(dir.resolve("cells/bundle"));
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            var cells = bundle.cells().orElseThrow();
            assertThat(cells.partition().size()).isBetween(RegionCatalog.losAngeles().size(),
                    3 * RegionCatalog.losAngeles().size());
            assertThat(cells.source()).contains("up to 3 per region");
            assertThat(bundle.manifest().training()).containsEntry("loss", "Cells")
                    .containsEntry("loss_spec", "cells:per-region=3,tau=0.5")
                    .containsEntry("cells", cells.partition().size());
            var prediction = predictor.predict(EncoderContract.probeInput(1, predictor.preprocessing().inputSize()), 1).get(0);
            assertThat(prediction.cell()).isPresent();
            assertThat(cells.partition().cells().get(prediction.cell().get().cell()).region())
                    .isEqualTo(prediction.predicted().index());
        }
    }

    /**
     * The path a DINOv2 or CLIP export takes: a TorchScript file beside its contract, here the built-in CNN's
     * weights under a contract of another input size (it pools globally, so any size works), center-cropped from
     * non-square photos, with the last stage trained.
     */
    @Test
    void trainsAnExportedEncoderFromItsFileAndContract() throws IOException {
        new SynthCityGenerator(RegionCatalog.losAngeles(), SynthCityConfig.defaults().withLocationsPerRegion(4)
                .withHeadings(List.of(0, 180)).withSize(128, 96)).generate(dir.resolve("data"), 2, (done, total) -> { });
        Path encoder = dev.geoloc.model.EncoderContract.copyBuiltIn("tiny-cnn", dir.resolve("exported-vit.pt"));
        Files.writeString(dir.resolve("exported-vit.json"), """
                {"name": "exported-vit", "format": "torchscript", "description": "a stand-in for an export",
                 "embedding_dim": 128,
                 "preprocessing": {"input_size": 80, "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25],
                                   "resize": "center_crop"}}""");

        int exit = run("train", "--dataset", dir.resolve("data").toString(), "--out", dir.resolve("run").toString(),
                "--encoder", encoder.toString(), "--encoder-training", "last:1", "--epochs", "1", "--batch-size", "8",
                "--device", "cpu");

        assertThat(exit).as(errors.toString()).isZero();
        try (ModelBundle bundle = ModelBundle.open(dir.resolve("run/bundle"))) {
            assertThat(bundle.manifest().encoderName()).isEqualTo("exported-vit");
            assertThat(bundle.manifest().preprocessing().inputSize()).isEqualTo(80);
            assertThat(bundle.manifest().preprocessing().mean()).containsExactly(0.5f, 0.5f, 0.5f);
            assertThat(bundle.manifest().training()).containsEntry("encoder_training", "last:1");
        }
    }

    @Test
    void anUnknownLossOrEncoderIsWrongUsage() {
        String[] common = {"--dataset", dir.toString(), "--out", dir.resolve("run").toString()};

        assertThat(run(concat("train", common, "--loss", "hinge"))).isEqualTo(2);
        assertThat(errors.toString()).contains("hinge");
        assertThat(run(concat("train", common, "--encoder", "dinov2-vitg14"))).isEqualTo(2);
        assertThat(errors.toString()).contains("neither a built-in encoder");
        assertThat(run(concat("train", common, "--encoder-training", "some"))).isEqualTo(2);
        assertThat(errors.toString()).contains("is not frozen, full or last:N");
    }

    private static String[] concat(String command, String[] common, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(command));
        args.addAll(List.of(common));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
