package dev.geoloc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import ai.djl.pytorch.jni.JniUtils;

import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.regions.RegionCatalog;

/** Every bundle carries what the whole model computed on the probe batch, and every load checks it. */
class ReferenceOutputsTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();
    private static final PredictorOptions CPU = new PredictorOptions("cpu", 3, 0.9, 1, ImageLimits.DEFAULT);
    private static final int THREADS = JniUtils.getNumThreads();

    @TempDir
    Path dir;

    @AfterEach
    void restoreThreads() {
        JniUtils.setNumThreads(THREADS);
    }

    @Test
    void aWrittenBundleCarriesTheModelsOutputsOnTheProbeBatch() throws IOException {
        Path written = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA);

        try (ModelBundle bundle = ModelBundle.open(written)) {
            ReferenceOutputs reference = bundle.manifest().reference().orElseThrow();
            assertThat(reference.batch()).isEqualTo(ReferenceOutputs.PROBE_BATCH);
            assertThat(reference.inputSize()).isEqualTo(64);
            assertThat(reference.logits()).hasDimensions(ReferenceOutputs.PROBE_BATCH, LA.size());
            assertThat(reference.probabilities()[0]).hasSize(LA.size());
            assertThat(reference.tolerance()).isEqualTo(ReferenceOutputs.DEFAULT_TOLERANCE);
            assertThat(reference.computedOn()).contains("kernel path", "threads", "libtorch 2.5.1", "device cpu");
            assertThat(Files.readString(written.resolve("bundle.json"))).contains("\"numerics\"", "sin(0.37 b + 1.3 c");
        }
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 2})
    void aCorrectBundlePassesItsCheckAtEitherThreadCount(int threads) throws IOException {
        Path written = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA);
        JniUtils.setNumThreads(threads);

        try (ModelBundle bundle = ModelBundle.open(written); RegionPredictor predictor = RegionPredictor.load(bundle, CPU)) {
            assertThat(predictor.numerics().referenced()).isTrue();
            assertThat(predictor.numerics().difference()).isLessThanOrEqualTo(predictor.numerics().tolerance());
            assertThat(predictor.numerics().describe()).startsWith("matches its reference outputs");
        }
    }

    @Test
    void aReferenceFurtherOffThanItsToleranceIsRefusedWithTheLargestDifference() throws IOException {
        Path written = TestBundles.withReferenceShifted(
                TestBundles.untrained(dir.resolve("bundle"), "tiny-vit", TestBundles.CLASSIFIER, LA), 0.01);

        try (ModelBundle bundle = ModelBundle.open(written)) {
            assertThatThrownBy(() -> RegionPredictor.load(bundle, CPU))
                    .isInstanceOf(NumericsMismatchException.class)
                    .hasMessageContaining("computes its reference outputs wrong here: largest difference 0.01")
                    .hasMessageContaining("tolerance 0.001")
                    .hasMessageContaining("kernel path")
                    .hasMessageContaining("GEOLOC_CPU_KERNELS")
                    .satisfies(e -> assertThat(((NumericsMismatchException) e).difference()).isBetween(0.009, 0.011));
        }
    }

    @Test
    void aReferenceOffByLessThanItsToleranceStillLoads() throws IOException {
        Path written = TestBundles.withReferenceShifted(
                TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA), 0.0002);

        try (ModelBundle bundle = ModelBundle.open(written); RegionPredictor predictor = RegionPredictor.load(bundle, CPU)) {
            assertThat(predictor.numerics().difference()).isBetween(0.0001, 0.0003);
        }
    }

    @Test
    void aBundleFromBeforeReferencesLoadsUncheckedAndSaysSo() throws IOException {
        Path written = TestBundles.withoutReference(
                TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA));

        try (ModelBundle bundle = ModelBundle.open(written); RegionPredictor predictor = RegionPredictor.load(bundle, CPU)) {
            assertThat(bundle.manifest().reference()).isEmpty();
            assertThat(predictor.numerics().referenced()).isFalse();
            assertThat(predictor.numerics().describe()).startsWith("unchecked: the bundle carries no reference outputs");
            assertThat(predictor.predict(EncoderContract.probeInput(2, 64), 2)).hasSize(2);
        }
    }

    @Test
    void aModelWithoutFiniteOutputsIsNotWrittenAndLeavesNothingBehind() throws IOException {
        Path encoder = EncoderContract.copyBuiltIn("tiny-cnn", dir.resolve("tiny-cnn.pt"));
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager(InferenceDevice.ENGINE)) {
            ai.djl.nn.Block head = Heads.build(TestBundles.CLASSIFIER, LA.size());
            head.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 128));
            head.getParameters().values().forEach(parameter -> {
                parameter.getArray().setRequiresGradient(false);
                parameter.getArray().muli(Float.NaN);
            });
            BundleWriter writer = new BundleWriter("nan", LA).encoder(EncoderContract.builtIn("tiny-cnn"), encoder)
                    .head(TestBundles.CLASSIFIER, head);

            assertThatThrownBy(() -> writer.write(dir.resolve("nan-bundle"))).isInstanceOf(NonFiniteOutputException.class)
                    .hasMessageContaining("on the probe batch");
        }
        assertThat(dir.resolve("nan-bundle")).doesNotExist();
    }

    @Test
    void aReferenceOfAnotherProbeIsNotTakenForThisOne() throws IOException {
        Path written = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA);
        Path manifest = written.resolve("bundle.json");
        Files.writeString(manifest, Files.readString(manifest).replace("sin(0.37 b", "cos(0.37 b"));

        assertThatThrownBy(() -> ModelBundle.open(written)).isInstanceOf(BundleException.class)
                .hasMessageContaining("numerics.probe.input: 'x[b,c,h,w] = cos(0.37 b");
    }
}
