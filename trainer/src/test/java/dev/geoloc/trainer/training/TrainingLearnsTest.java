package dev.geoloc.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.imaging.ResizePolicy;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.HeadSpec;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.loss.CrossEntropyLoss;

/**
 * Training the tiny CNN on a small SynthCity learns: the loss falls and validation accuracy ends at three times
 * chance or better. A runtime that computes convolutions or their gradients wrong (oneDNN's AVX-512 kernels on AMD
 * family 26, forced with GEOLOC_CPU_KERNELS=onednn) gives NaN or noise, and fails here; plausible-looking figures
 * from garbage are what this test exists to catch.
 */
class TrainingLearnsTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();

    @TempDir
    Path dir;

    @Test
    void theLossFallsAndValidationAccuracyEndsAtThreeTimesChanceOrBetter() throws IOException {
        // given 15 regions x 8 locations x 4 headings of 64 px street scenes, split by location
        new SynthCityGenerator(LA, SynthCityConfig.defaults().withLocationsPerRegion(8).withHeadings(List.of(0, 90, 180, 270))
                .withSize(64, 64)).generate(dir.resolve("city"), 2, (done, total) -> { });
        Manifest manifest = Manifest.read(dir.resolve("city"), LA);
        GeoTrainer.Data data = new GeoTrainer.Data(LA, split(manifest, Split.TRAIN), split(manifest, Split.VALIDATION), "learns");
        TrainingOptions options = new TrainingOptions("learns", "tiny-cnn", EncoderTraining.FULL,
                new HeadSpec.Classifier(64, 0.1f), "ce", 6, 32, 1e-3f, 3e-3f, 0.01f, 0.5f, 6, true, 7, "cpu", null);

        // when the tiny CNN trains on it for six epochs
        TrainingResult result = new GeoTrainer(new PrintStream(OutputStream.nullOutputStream())).train(data,
                EncoderContract.builtIn("tiny-cnn"), EncoderContract.copyBuiltIn("tiny-cnn", dir.resolve("encoder.pt")),
                options, new CrossEntropyLoss(LA), "CE", dir.resolve("run"), false);

        // then it learned
        List<EpochRecord> epochs = result.epochs();
        double chance = 1.0 / LA.size();
        assertThat(epochs).allSatisfy(epoch -> assertThat(epoch.trainLoss()).isFinite());
        assertThat(epochs.get(epochs.size() - 1).trainLoss()).as("training loss after the last epoch")
                .isLessThan(0.9 * epochs.get(0).trainLoss());
        assertThat(result.best().validationAccuracy()).as("best validation accuracy (chance is %.3f)", chance)
                .isGreaterThanOrEqualTo(3 * chance);
        assertThat(Files.exists(result.bundle().resolve("bundle.json"))).isTrue();
    }

    private static ExampleSet split(Manifest manifest, Split split) throws IOException {
        return ExampleSet.load(manifest, manifest.split(split), LA, 64, ResizePolicy.CENTER_CROP, done -> { });
    }
}
