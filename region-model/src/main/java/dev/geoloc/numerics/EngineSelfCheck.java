package dev.geoloc.numerics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;

import dev.geoloc.model.EncoderContract;

/**
 * The process-wide numerics self-check: runs each built-in encoder on its probe batch, at one thread and at the
 * process's thread count, and compares with the outputs Python saved when it exported the encoder. Under
 * {@link KernelChoice#AUTO}, oneDNN is first capped at AVX2 on CPUs known to compute wrong above it
 * ({@link OneDnnCap}), and a path that disagrees all the same is left for {@link KernelPath#NATIVE}, which is
 * checked in turn.
 *
 * <p>{@link #ensure()} runs it once per process (per class loader) before the first model is loaded; every path
 * that loads libtorch calls it, so a process that computes wrong numbers says so before it computes any.
 */
public final class EngineSelfCheck {

    /**
     * Largest relative difference (|output - saved| / max |saved|) that passes. Right paths measure at most
     * 4e-6 (tiny-cnn, torch 1.13 at export against libtorch 2.5.1 here, 1 or 2 threads, oneDNN-AVX2 or native);
     * oneDNN's AVX-512 convolutions on AMD family 26 measure 0.1 to 0.3. See docs/numerics.md.
     */
    public static final double TOLERANCE = 1e-4;

    private static SelfCheckReport report;

    private EngineSelfCheck() {
    }

    /**
     * The check of this process, run on the first call with {@link KernelChoice#configured()}. Call it at start-up:
     * it sets the process's thread count while it probes, and may set an environment variable.
     *
     * @throws IllegalArgumentException when the configured choice is not one
     */
    public static synchronized SelfCheckReport ensure() {
        if (report == null) {
            report = run(KernelChoice.configured());
        }
        return report;
    }

    /** The check of this process with {@code choice}: the one already run when it was run with that choice. */
    public static synchronized SelfCheckReport ensure(KernelChoice choice) {
        if (report == null || report.choice() != choice) {
            report = run(choice);
        }
        return report;
    }

    /** Runs the check now, switching the process's kernel path as {@code choice} says; it becomes the process's. */
    static synchronized SelfCheckReport run(KernelChoice choice) {
        return run(choice, TOLERANCE);
    }

    /** With another tolerance: tests use one no path meets, to walk the fallback on any CPU. */
    static synchronized SelfCheckReport run(KernelChoice choice, double tolerance) {
        CpuDescription cpu = CpuDescription.current();
        if (choice != KernelChoice.AUTO) {
            KernelPath forced = choice == KernelChoice.NATIVE ? KernelPath.NATIVE : KernelPath.ONEDNN;
            LibtorchKernels.tryUse(forced);
            return new SelfCheckReport(cpu, choice, LibtorchKernels.current(), probes(tolerance), List.of());
        }
        OneDnnCap.applyFor(cpu);
        KernelPath path = LibtorchKernels.current();
        List<ProbeResult> first = probes(tolerance);
        boolean firstPassed = first.stream().allMatch(ProbeResult::passed);
        if (firstPassed || path == KernelPath.NATIVE || !LibtorchKernels.tryUse(KernelPath.NATIVE)) {
            return new SelfCheckReport(cpu, choice, path, first, List.of());
        }
        return new SelfCheckReport(cpu, choice, KernelPath.NATIVE, probes(tolerance), first);
    }

    /**
     * Switches the process to {@code path} until the trial is closed, for measuring one path against another
     * (bench-predictor, self-check --measure). The process's verdict ({@link #ensure()}) stays what it was: models
     * loaded during a trial are judged by it, whatever the trial's probes say.
     */
    public static synchronized Trial trial(KernelPath path) {
        KernelPath before = LibtorchKernels.current();
        LibtorchKernels.tryUse(path);
        return new Trial(new SelfCheckReport(CpuDescription.current(), path.choice(),
                LibtorchKernels.current(), probes(TOLERANCE), List.of()), before);
    }

    /** A path tried for a while; closing it puts the process back on the path it had. */
    public record Trial(SelfCheckReport report, KernelPath before) implements AutoCloseable {
        @Override
        public void close() {
            LibtorchKernels.tryUse(before);
        }
    }

    /** The advice every numerics failure ends with. */
    public static String remedy() {
        return "try another kernel path with " + KernelChoice.ENVIRONMENT + "=native or onednn, or ONEDNN_MAX_CPU_ISA=AVX2, "
                + "and check with ./geoloc trainer self-check; see docs/numerics.md";
    }

    private static List<ProbeResult> probes(double tolerance) {
        int threads = JniUtils.getNumThreads();
        List<ProbeResult> results = new ArrayList<>();
        try {
            for (String name : EncoderContract.BUILT_IN) {
                results.addAll(probe(name, threads, tolerance));
            }
        } finally {
            JniUtils.setNumThreads(threads);
        }
        return results;
    }

    private static List<ProbeResult> probe(String name, int threads, double tolerance) {
        EncoderContract contract = EncoderContract.builtIn(name);
        float[][] saved = contract.probeOutput();
        int size = contract.preprocessing().inputSize();
        Path file = null;
        try {
            file = EncoderContract.copyBuiltIn(name, Files.createTempFile("geoloc-probe-" + name + "-", ".pt"));
            // On the CPU whatever the default device: the CPU's kernels are what this check is for.
            try (ZooModel<NDList, NDList> model = Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelPath(file).optEngine("PyTorch").optDevice(Device.cpu())
                    .optTranslator(new NoopTranslator()).build().loadModel();
                 Predictor<NDList, NDList> predictor = model.newPredictor()) {
                List<ProbeResult> results = new ArrayList<>();
                float[] input = EncoderContract.probeInput(saved.length, size);
                for (int t : threads > 1 ? new int[] {1, threads} : new int[] {1}) {
                    JniUtils.setNumThreads(t);
                    NDList output = predictor.predict(new NDList(model.getNDManager()
                            .create(FloatBuffer.wrap(input), new Shape(saved.length, 3, size, size))));
                    results.add(new ProbeResult(name, t, relativeDifference(output.singletonOrThrow().toFloatArray(), saved),
                            tolerance));
                    output.close();
                }
                return results;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ModelNotFoundException | MalformedModelException | TranslateException e) {
            throw new IllegalStateException("the built-in encoder " + name + " cannot run in this libtorch: "
                    + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /** max |actual - saved| / max |saved|; NaN when any output is not finite. */
    public static double relativeDifference(float[] actual, float[][] saved) {
        if (actual.length != java.util.Arrays.stream(saved).mapToInt(row -> row.length).sum()) {
            return Double.NaN; // another shape is as wrong as it gets
        }
        double scale = 0;
        double worst = 0;
        int i = 0;
        for (float[] row : saved) {
            for (float expected : row) {
                float value = actual[i++];
                if (!Float.isFinite(value)) {
                    return Double.NaN;
                }
                scale = Math.max(scale, Math.abs(expected));
                worst = Math.max(worst, Math.abs(value - expected));
            }
        }
        return scale == 0 ? worst : worst / scale;
    }
}
