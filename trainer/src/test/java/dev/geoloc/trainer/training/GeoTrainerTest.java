package dev.geoloc.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.imaging.ResizePolicy;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.HeadSpec;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.loss.CrossEntropyLoss;

class GeoTrainerTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();

    @TempDir
    static Path dataset;

    @TempDir
    Path out;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeAll
    static void generateATinyCity() throws IOException {
        new SynthCityGenerator(LA, SynthCityConfig.defaults().withLocationsPerRegion(6).withHeadings(List.of(0, 180))
                .withSize(64, 64)).generate(dataset, 2, (done, total) -> { });
    }

    @Test
    void trainsWritesALogPerEpochAndABundleOfTheBestEpoch() throws IOException {
        TrainingResult result = train(options(3), false);

        assertThat(result.epochs()).hasSize(3);
        assertThat(Files.readAllLines(out.resolve("training-log.jsonl"))).hasSize(3);
        assertThat(result.best().validationMeanErrorKm())
                .isEqualTo(result.epochs().stream().mapToDouble(EpochRecord::validationMeanErrorKm).min().orElseThrow());
        try (ModelBundle bundle = ModelBundle.open(result.bundle());
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            assertThat(bundle.manifest().training()).containsEntry("loss", "CE").containsEntry("best_epoch", result.best().epoch());
            assertThat(bundle.manifest().metrics()).containsEntry("mean_error_km", result.best().validationMeanErrorKm());
            predictor.warmUp(2);
        }
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("epoch   1", "val mean error");
    }

    @Test
    void aResumedRunContinuesFromItsLastCheckpoint() throws IOException {
        train(options(1), false);
        byte[] headAfterEpoch1 = Files.readAllBytes(out.resolve("checkpoints/last/head.params"));

        TrainingResult resumed = train(options(2), true);

        assertThat(resumed.epochs()).extracting(EpochRecord::epoch).containsExactly(1, 2);
        assertThat(Files.readAllBytes(out.resolve("checkpoints/last/head.params")))
                .as("the resumed head trained on").isNotEqualTo(headAfterEpoch1);
        assertThat(Files.readAllLines(out.resolve("training-log.jsonl"))).hasSize(2);
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("Resuming after epoch 1",
                "The checkpoint reproduces its probe logits (relative difference");
    }

    @Test
    void aFrozenEncoderComesOutExactlyAsItWentIn() throws Exception {
        TrainingOptions frozen = new TrainingOptions("test", "tiny-cnn", EncoderTraining.FROZEN,
                new HeadSpec.Classifier(32, 0.1f), "ce", 1, 16, 1e-3f, 3e-3f, 0.01f, 0f, 5, true, 11, "cpu", null);

        TrainingResult result = train(frozen, false);

        // Weights and batch-norm statistics unchanged: the exported probe outputs still come out.
        EncoderContract contract = EncoderContract.builtIn("tiny-cnn");
        try (ai.djl.repository.zoo.ZooModel<ai.djl.ndarray.NDList, ai.djl.ndarray.NDList> encoder =
                     ai.djl.repository.zoo.Criteria.builder()
                             .setTypes(ai.djl.ndarray.NDList.class, ai.djl.ndarray.NDList.class)
                             .optModelPath(result.bundle()).optModelName("encoder").optEngine("PyTorch")
                             .optTranslator(new ai.djl.translate.NoopTranslator()).build().loadModel();
             ai.djl.inference.Predictor<ai.djl.ndarray.NDList, ai.djl.ndarray.NDList> predictor = encoder.newPredictor()) {
            float[] output = predictor.predict(new ai.djl.ndarray.NDList(encoder.getNDManager().create(
                    EncoderContract.probeInput(2, 64), new ai.djl.ndarray.types.Shape(2, 3, 64, 64))))
                    .singletonOrThrow().toFloatArray();
            for (int k = 0; k < contract.embeddingDim(); k++) {
                assertThat(output[k]).isCloseTo(contract.probeOutput()[0][k], org.assertj.core.api.Assertions.within(2e-4f));
            }
        }
    }

    private TrainingResult train(TrainingOptions options, boolean resume) throws IOException {
        EncoderContract contract = EncoderContract.builtIn("tiny-cnn");
        Path encoder = EncoderContract.copyBuiltIn("tiny-cnn", Files.createTempFile(out, "encoder", ".pt"));
        Manifest manifest = Manifest.read(dataset, LA);
        int size = contract.preprocessing().inputSize();
        GeoTrainer.Data data = new GeoTrainer.Data(LA,
                ExampleSet.load(manifest, manifest.split(Split.TRAIN), LA, size, ResizePolicy.CENTER_CROP, done -> { }),
                ExampleSet.load(manifest, manifest.split(Split.VALIDATION), LA, size, ResizePolicy.CENTER_CROP, done -> { }),
                "synthcity-test");
        return new GeoTrainer(new PrintStream(console, true, StandardCharsets.UTF_8))
                .train(data, contract, encoder, options, new CrossEntropyLoss(LA), "CE", out, resume);
    }

    private static TrainingOptions options(int epochs) {
        return new TrainingOptions("test", "tiny-cnn", EncoderTraining.FULL, new HeadSpec.Classifier(32, 0.1f), "ce",
                epochs, 16, 1e-3f, 3e-3f, 0.01f, 0.5f, 5, true, 11, "cpu", null);
    }
}
