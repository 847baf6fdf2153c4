package dev.geoloc.trainer.precision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.EncoderPrecision;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.Prediction;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.TestBundles;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.TrainerCommand;
import picocli.CommandLine;

/**
 * A bundle made to serve in half precision: scripts/export_half.py exports its encoder with Debian's python3-torch,
 * {@code trainer half} writes the bundle with it, and the predictor serves it on the CPU in bf16.
 */
class HalfCommandTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final RegionCatalog LA = RegionCatalog.losAngeles();

    @TempDir
    static Path shared;
    static Path bundle;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    /** What the last python3 run printed. */
    private String lastOutput = "";

    @BeforeAll
    static void aCalibratedFp32Bundle() throws Exception {
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor()).as("import torch (./geoloc test installs python3-torch): %s", output).isZero();
        bundle = TestBundles.calibrated(TestBundles.untrained(shared.resolve("fp32"), "tiny-cnn", TestBundles.CLASSIFIER,
                LA), shared.resolve("calibrated"), 0.7);
    }

    @Test
    void aBf16ExportServesAsTheSameModelWithItsOwnReference() throws Exception {
        // Given the bundle's encoder exported in bf16
        Path encoder = dir.resolve("encoder-bf16.pt");
        assertThat(export(bundle, "bf16", encoder)).isZero();

        // When the half-precision bundle is written with it
        Path half = dir.resolve("bf16");
        int exit = half(encoder, "bf16", half);

        // Then it says how far its outputs are from the original's
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Bundle in bf16 written: " + half)
                .containsPattern("differ from the original's by [0-9.e-]+ \\(allowed: 0\\.05\\), on cpu");
        // and it is the same model with its calibration, in bf16, held to a reference of its own
        float[] images = EncoderContract.probeInput(6, 64);
        try (ModelBundle original = ModelBundle.open(bundle); ModelBundle copy = ModelBundle.open(half);
             RegionPredictor fp32 = RegionPredictor.load(original, PredictorOptions.DEFAULT.withDevice("cpu"));
             RegionPredictor bf16 = RegionPredictor.load(copy, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            assertThat(copy.manifest().encoderPrecision()).isEqualTo(EncoderPrecision.BF16);
            assertThat(original.manifest().encoderPrecision()).isEqualTo(EncoderPrecision.FP32);
            assertThat(copy.manifest().files().get("calibration.json")).isEqualTo(original.manifest().files().get("calibration.json"));
            assertThat(copy.manifest().files().get("encoder.pt")).isNotEqualTo(original.manifest().files().get("encoder.pt"));
            assertThat(copy.manifest().reference().orElseThrow().tolerance()).isEqualTo(EncoderPrecision.HALF_TOLERANCE);
            assertThat(bf16.numerics().referenced()).isTrue();
            assertThat(bf16.numerics().difference()).isLessThanOrEqualTo(1e-6); // its own reference, on this machine
            assertThat(Files.size(half.resolve("encoder.pt"))).isLessThan(Files.size(bundle.resolve("encoder.pt")));
            List<Prediction> full = fp32.predict(images, 6);
            List<Prediction> reduced = bf16.predict(images, 6);
            for (int i = 0; i < 6; i++) {
                assertThat(reduced.get(i).predicted().index()).isEqualTo(full.get(i).predicted().index());
                assertThat(reduced.get(i).probabilities()).containsExactly(full.get(i).probabilities(), within(5e-2f));
            }
        }
        // and the GPU host's check reads it, says what it was exported in, and finds its reference
        assertThat(python("scripts/gpu_check.py", half.toString(), "--device", "cpu", "--batch-sizes", "1",
                "--seconds", "0.1")).as("gpu_check.py on the bf16 bundle").isZero();
        assertThat(lastOutput).contains("tiny-cnn exported in bf16");
    }

    @Test
    void anEncoderThatIsNotTheBundlesIsRefusedAndNothingIsLeft() throws Exception {
        // Given a bf16 export whose weights were changed afterwards
        Path exported = dir.resolve("encoder-bf16.pt");
        assertThat(export(bundle, "bf16", exported)).isZero();
        Path changed = dir.resolve("changed.pt");
        assertThat(python("-c", "import sys, torch\nm = torch.jit.load(sys.argv[1])\nfor p in m.parameters():\n"
                + "    p.data.mul_(1.5)\nm.save(sys.argv[2])", exported.toString(), changed.toString())).isZero();

        // When a bundle is written with it
        Path half = dir.resolve("changed-bundle");
        int exit = half(changed, "bf16", half);

        // Then it is refused with the difference, and no bundle is left
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("computes another model than the bundle's encoder")
                .contains("over the 0.05 that bf16 allows");
        assertThat(half).doesNotExist();
        // and so is another encoder's export, whose embeddings do not fit the head
        Path vit = dir.resolve("vit-bf16.pt");
        assertThat(export(TestBundles.untrained(dir.resolve("vit"), "tiny-vit", TestBundles.CLASSIFIER, LA), "bf16", vit))
                .isZero();
        assertThat(half(vit, "bf16", dir.resolve("vit-copy"))).isEqualTo(1);
        assertThat(err.toString()).contains("cannot serve this bundle in bf16 on cpu").contains("the encoder returns");
        assertThat(dir.resolve("vit-copy")).doesNotExist();
        // and the export script does not take a bundle that is half already
        Path again = dir.resolve("again.pt");
        assertThat(export(bundle, "fp16", again)).isZero();
        Path fp16 = dir.resolve("fp16");
        assertThat(half(again, "fp16", fp16)).as(err.toString()).isZero();
        assertThat(export(fp16, "bf16", dir.resolve("twice.pt"))).isEqualTo(2);
        // nor does the command
        assertThat(run("half", "--bundle", fp16.toString(), "--encoder", again.toString(), "--precision", "fp16",
                "--out", dir.resolve("twice").toString(), "--device", "cpu")).isEqualTo(1);
        assertThat(err.toString()).contains("computes in fp16 already");
    }

    /** scripts/export_half.py on {@code from}: its exit status. */
    private int export(Path from, String precision, Path encoder) throws IOException, InterruptedException {
        return python("scripts/export_half.py", from.toString(), "--precision", precision, "--out", encoder.toString());
    }

    /** {@code trainer half} on the test's fp32 bundle, on the CPU: its exit status. */
    private int half(Path encoder, String precision, Path out) {
        return run("half", "--bundle", bundle.toString(), "--encoder", encoder.toString(), "--precision", precision,
                "--out", out.toString(), "--device", "cpu");
    }

    private int run(String... args) {
        CommandLine command = TrainerCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    /** Runs Debian's python3 with these arguments, its output in the test's directory; the exit status. */
    private int python(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "python", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("python3 %s finished", args[0]).isTrue();
        lastOutput = Files.readString(log);
        System.out.print(lastOutput);
        return process.exitValue();
    }
}
