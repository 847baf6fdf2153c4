package dev.geoloc.trainer.numerics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.model.HeadSpec;
import dev.geoloc.model.TestBundles;
import dev.geoloc.regions.RegionCatalog;

/**
 * scripts/gpu_check.py, the check a GPU host without Java runs on a bundle, run here on the CPU with Debian's
 * python3-torch: it must read every kind of head the trainer writes, compute what the bundle's reference says the
 * model computes, and fail loudly on a bundle that does not.
 */
class GpuCheckScriptTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("scripts/gpu_check.py");
    private static final RegionCatalog LA = RegionCatalog.losAngeles();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void debiansTorchIsThere() throws Exception {
        assertThat(PYTHON).as("Debian's python3 (./geoloc test installs python3-torch for it)").exists();
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor()).as("import torch (./geoloc test installs python3-torch): %s", output).isZero();
    }

    @Test
    void aClassifierBundleComputesItsReferenceAndReportsThroughput() throws Exception {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER, LA);

        Result result = check(bundle);

        assertThat(result.exit()).as(result.stderr()).isZero();
        JsonNode fp32 = result.check("fp32");
        assertThat(fp32.path("status").asText()).isEqualTo("ok");
        // As close as two right runtimes get (docs/numerics.md): libtorch 2.5 in Java wrote it, torch 1.13 reads it.
        assertThat(fp32.path("difference").asDouble()).isLessThan(1e-5);
        assertThat(fp32.path("top1_agreement").asDouble()).isEqualTo(1.0);
        assertThat(result.report().path("throughput")).hasSize(2);
        for (JsonNode row : result.report().path("throughput")) {
            assertThat(row.path("fp32").asDouble()).as("img/s at batch %s", row.path("batch")).isPositive();
        }
        assertThat(result.stdout()).contains("| Batch | fp32 img/s");
    }

    @Test
    void aVitEncoderInAZippedBundleAsTheStoreKeepsIt() throws Exception {
        Path bundle = TestBundles.untrained(dir.resolve("vit"), "tiny-vit", TestBundles.CLASSIFIER, LA);

        Result result = check(zip(bundle, dir.resolve("vit.zip")));

        assertThat(result.exit()).as(result.stderr()).isZero();
        assertThat(result.check("fp32").path("difference").asDouble()).isLessThan(1e-5);
        assertThat(result.report().path("encoder").asText()).isEqualTo("tiny-vit");
    }

    @Test
    void prototypeAndCellHeadsAreComputedAsTheProcessorDoes() throws Exception {
        Path prototype = TestBundles.untrained(dir.resolve("prototype"), "tiny-cnn", new HeadSpec.Prototype(16, 0.07f), LA);
        Path cells = TestBundles.withCells(dir.resolve("cells"), LA, 3);

        for (Path bundle : List.of(prototype, cells)) {
            Result result = check(bundle);

            assertThat(result.exit()).as(bundle + ": " + result.stderr()).isZero();
            assertThat(result.check("fp32").path("difference").asDouble()).as(bundle.toString()).isLessThan(1e-5);
        }
    }

    @Test
    void aBundleWhoseReferenceTheModelDoesNotComputeFails() throws Exception {
        Path bundle = TestBundles.withReferenceShifted(
                TestBundles.untrained(dir.resolve("shifted"), "tiny-cnn", TestBundles.CLASSIFIER, LA), 0.05);

        Result result = check(bundle);

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.check("fp32").path("status").asText()).isEqualTo("MISMATCH");
        assertThat(result.stderr()).contains("fp32 outputs differ from the bundle's reference beyond tolerance");
    }

    @Test
    void aDamagedCopyOrNoBundleIsRefusedBeforeAnythingRuns() throws Exception {
        Path bundle = TestBundles.untrained(dir.resolve("damaged"), "tiny-cnn", TestBundles.CLASSIFIER, LA);
        byte[] head = Files.readAllBytes(bundle.resolve("head.params"));
        head[head.length - 1] ^= 1;
        Files.write(bundle.resolve("head.params"), head);

        Result damaged = check(bundle);
        Result nothing = check(dir.resolve("no-such-bundle"));

        assertThat(damaged.exit()).isEqualTo(2);
        assertThat(damaged.stderr()).contains("head.params does not match the manifest's sha256");
        assertThat(nothing.exit()).isEqualTo(2);
        assertThat(nothing.stderr()).contains("is neither a bundle directory nor a bundle zip");
    }

    private record Result(int exit, String stdout, String stderr, JsonNode report) {
        JsonNode check(String precision) {
            for (JsonNode check : report.path("checks")) {
                if (check.path("precision").asText().equals(precision)) {
                    return check;
                }
            }
            throw new AssertionError("no " + precision + " check in " + report + "\n" + stdout + stderr);
        }
    }

    private Result check(Path bundle) throws Exception {
        Path report = Files.createTempFile(dir, "report", ".json");
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), bundle.toString(),
                "--device", "cpu", "--batch-sizes", "1,8", "--seconds", "0.2", "--json", report.toString()));
        Process process = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("gpu_check.py finished").isTrue();
        String json = Files.readString(report);
        return new Result(process.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")),
                json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json));
    }

    private static Path zip(Path bundle, Path zip) throws IOException {
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file);
             Stream<Path> files = Files.list(bundle)) {
            for (Path path : files.sorted().toList()) {
                out.putNextEntry(new ZipEntry(path.getFileName().toString()));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
        return zip;
    }
}
