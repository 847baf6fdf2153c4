package dev.geoloc.trainer.numerics;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import ai.djl.pytorch.jni.JniUtils;

import dev.geoloc.model.BundleException;
import dev.geoloc.model.InferenceDevice;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.NumericsMismatchException;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.ReferenceOutputs;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.numerics.EngineSelfCheck;
import dev.geoloc.numerics.KernelPath;
import dev.geoloc.numerics.SelfCheckReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code geoloc-trainer self-check}: does this machine compute models right? The process's check (built-in encoders
 * against their saved probes) runs first, as for every command that computes; with {@code --bundle}, the bundle is
 * loaded as a server would load it and compared with its reference outputs; with {@code --measure}, the bundle's
 * probe is run at every thread count and kernel path, and each difference printed: the figures a tolerance rests on.
 */
@Command(name = "self-check", sortOptions = false,
        description = "Check that this machine computes models right: the built-in encoders' probes, and a bundle's "
                + "reference outputs.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:this machine computes right", "1:it does not (the reason is printed)",
                "2:wrong usage, or not a valid bundle"})
public final class SelfCheckCommand implements Callable<Integer>, ComputesWithLibtorch {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bundle", paramLabel = "BUNDLE", description = "A bundle directory or zip to check as well.")
    Path bundle;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "Device to check the bundle on: auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--measure", description = "Run the bundle's probe at 1 and all threads on both kernel paths "
            + "(onednn, native) and print each difference from its reference; leaves the process's path as it was.")
    boolean measure;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        SelfCheckReport engine = EngineSelfCheck.ensure(); // the gate printed it, and ran this command only if it passed
        if (bundle == null) {
            if (measure) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--measure needs --bundle");
            }
            out.println("ok: this machine computes the built-in encoders right on kernel path " + engine.path().setting());
            out.flush();
            return 0;
        }
        try (ModelBundle opened = ModelBundle.open(bundle)) {
            // A bundle this machine computes wrong throws here, and ends the command with exit 1 (NumericsGate).
            try (RegionPredictor predictor = RegionPredictor.load(opened, PredictorOptions.DEFAULT.withDevice(device))) {
                out.println("ok: " + bundle + " on " + InferenceDevice.name(predictor.device()) + ": "
                        + predictor.numerics().describe());
            }
            if (measure) {
                measure(opened, out);
            }
        } catch (BundleException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        out.flush();
        return 0;
    }

    /**
     * Each thread count on each kernel path; prints and carries on through mismatches, which are the point. On a CPU
     * where this process capped oneDNN, its oneDNN rows are the capped kernels: run with ONEDNN_MAX_CPU_ISA=ALL to
     * measure oneDNN's widest.
     */
    private void measure(ModelBundle opened, PrintWriter out) throws IOException {
        Optional<ReferenceOutputs> reference = opened.manifest().reference();
        if (reference.isEmpty()) {
            out.println("measure: nothing to measure against (the bundle carries no reference outputs)");
            return;
        }
        int threads = JniUtils.getNumThreads();
        try {
            for (KernelPath path : KernelPath.values()) {
                try (EngineSelfCheck.Trial trial = EngineSelfCheck.trial(path)) {
                    for (int t : threads > 1 ? new int[] {1, threads} : new int[] {1}) {
                        JniUtils.setNumThreads(t);
                        double difference = difference(opened);
                        out.printf(Locale.ROOT, "measure: kernel path %s threads %d: difference %.3g%s%n",
                                trial.report().path().describe(), t, difference,
                                difference <= reference.get().tolerance() ? "" : " (over the tolerance)");
                    }
                }
            }
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }

    private double difference(ModelBundle opened) throws IOException {
        try (RegionPredictor predictor = RegionPredictor.load(opened, PredictorOptions.DEFAULT.withDevice(device))) {
            return predictor.numerics().difference();
        } catch (NumericsMismatchException e) {
            return e.difference();
        }
    }
}
