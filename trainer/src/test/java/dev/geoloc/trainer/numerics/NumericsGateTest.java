package dev.geoloc.trainer.numerics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.model.TestBundles;
import dev.geoloc.numerics.CpuDescription;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.TrainerCommand;
import picocli.CommandLine;

/**
 * The trainer's commands check numerics before they compute and refuse a model this machine computes wrong: exit 1
 * with a message that names the CPU, the kernel path and the fix.
 */
class NumericsGateTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();

    @TempDir
    static Path shared;
    static Path dataset;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void aTinyCity() throws IOException {
        dataset = shared.resolve("city");
        new SynthCityGenerator(LA, SynthCityConfig.defaults().withLocationsPerRegion(3).withHeadings(List.of(0, 180))
                .withSize(32, 32)).generate(dataset, 2, (done, total) -> { });
    }

    @Test
    void aComputingCommandStartsWithTheSelfChecksVerdict() throws IOException {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA);

        int exit = run("evaluate", "--bundle", bundle.toString(), "--dataset", dataset.toString(), "--device", "cpu");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(err.toString().lines().findFirst()).get().asString()
                .startsWith("numerics self-check passed on ").contains("kernel path");
    }

    @Test
    void evaluateRefusesABundleThisMachineComputesWrong() throws IOException {
        Path bundle = TestBundles.withReferenceShifted(
                TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA), 0.05);

        int exit = run("evaluate", "--bundle", bundle.toString(), "--dataset", dataset.toString(), "--device", "cpu");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("evaluate failed: the model computes its reference outputs wrong here",
                "largest difference 0.05", "kernel path", "family", "GEOLOC_CPU_KERNELS").doesNotContain("\tat ");
        assertThat(out.toString()).doesNotContain("Accuracy");
    }

    @Test
    void publishRefusesABundleThisMachineComputesWrongBeforeStoringOrSending() throws IOException {
        Path bundle = TestBundles.withReferenceShifted(
                TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA), 0.05);
        Path store = dir.resolve("store");

        int exit = run("publish", "--bundle", bundle.toString(), "--store", store.toString(),
                "--bootstrap-servers", "127.0.0.1:1", "--schema-registry-url", "http://127.0.0.1:1");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("publish failed: the model computes its reference outputs wrong here");
        assertThat(store).doesNotExist();
    }

    @Test
    void selfCheckPrintsTheVerdictForTheMachineAndForABundle() throws IOException {
        Path good = TestBundles.untrained(dir.resolve("good"), "tiny-vit", TestBundles.CLASSIFIER, LA);
        Path bad = TestBundles.withReferenceShifted(
                TestBundles.untrained(dir.resolve("bad"), "tiny-vit", TestBundles.CLASSIFIER, LA), 0.05);

        assertThat(run("self-check")).isZero();
        assertThat(out.toString()).contains("ok: this machine computes the built-in encoders right on kernel path");
        assertThat(run("self-check", "--bundle", good.toString(), "--measure")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("matches its reference outputs (difference",
                "measure: kernel path onednn (", "measure: kernel path native (oneDNN off", "threads 1: difference");
        assertThat(run("self-check", "--bundle", bad.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("self-check failed: the model computes its reference outputs wrong here");
    }

    @Test
    void withOneDnnUncappedAProcessWhoseOneDnnComputesWrongLeavesItForNativeKernels() throws Exception {
        // given a new trainer process told to leave oneDNN at its widest kernels (a person's cap is kept)
        // when it checks itself
        Child child = trainerProcess(Map.of("ONEDNN_MAX_CPU_ISA", "ALL"), "self-check");

        // then it computes right, on oneDNN where oneDNN is right and on ATen's own kernels where it is not
        assertThat(child.exit()).as(child.output()).isZero();
        assertThat(child.output()).contains("numerics self-check passed", "ok: this machine computes the built-in encoders right");
        if (CpuDescription.current().oneDnnWrongAboveAvx2()) {
            assertThat(child.output()).contains("kernel path native", "chosen because oneDNN computed the probes wrong",
                    "left onednn: tiny-cnn at 1 thread");
        } else if (!child.output().contains("left onednn")) {
            assertThat(child.output()).contains("kernel path onednn (ONEDNN_MAX_CPU_ISA=ALL)");
        }
    }

    @Test
    void aProcessForcedOntoAPathThatComputesWrongRunsNothingAndSaysWhatToDo() throws Exception {
        assumeTrue(CpuDescription.current().oneDnnWrongAboveAvx2(), "only a CPU whose oneDNN computes wrong can show it");

        Child child = trainerProcess(Map.of("ONEDNN_MAX_CPU_ISA", "ALL", "GEOLOC_CPU_KERNELS", "onednn"), "self-check");

        assertThat(child.exit()).as(child.output()).isEqualTo(1);
        assertThat(child.output()).contains("numerics self-check FAILED on AMD", "kernel path onednn (ONEDNN_MAX_CPU_ISA=ALL)",
                "GEOLOC_CPU_KERNELS=native", "self-check not run: this machine computes models wrong");
    }

    @Test
    void anUnknownKernelChoiceIsAUsageError() throws Exception {
        Child child = trainerProcess(Map.of("GEOLOC_CPU_KERNELS", "fastest"), "self-check");

        assertThat(child.exit()).as(child.output()).isEqualTo(2);
        assertThat(child.output()).contains("CPU kernel choice 'fastest' is not auto, onednn or native");
    }

    /** The trainer in a process of its own, as a user runs it, with {@code environment} on top of this one's. */
    private static Child trainerProcess(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), TrainerCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("GEOLOC_CPU_KERNELS");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new Child(process.waitFor(), output);
    }

    private record Child(int exit, String output) {
    }

    @Test
    void trainingDoesNotResumeFromACheckpointThisMachineComputesDifferently() throws IOException {
        Path run = dir.resolve("run");
        assertThat(run(train(run, 1))).as(err.toString()).isZero();
        Path probe = run.resolve("checkpoints/last/probe-logits.json");
        float[][] logits = new ObjectMapper().readValue(probe.toFile(), float[][].class);
        logits[0][0] += 1;
        new ObjectMapper().writeValue(probe.toFile(), logits);

        int exit = run(append(train(run, 2), "--resume"));

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("train failed: the checkpoint", "computes its probe logits differently here",
                "kernel path");
    }

    @Test
    void aCheckpointThatReproducesItsProbeLogitsResumes() throws IOException {
        Path run = dir.resolve("run");
        assertThat(run(train(run, 1))).as(err.toString()).isZero();

        assertThat(run(append(train(run, 2), "--resume"))).as(err.toString()).isZero();
        assertThat(Files.readAllLines(run.resolve("training-log.jsonl"))).hasSize(2);
    }

    private int run(String... args) {
        CommandLine command = TrainerCommand.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    private static String[] train(Path run, int epochs) {
        return new String[] {"train", "--dataset", dataset.toString(), "--out", run.toString(), "--encoder", "tiny-cnn",
                "--epochs", String.valueOf(epochs), "--batch-size", "16", "--device", "cpu"};
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
