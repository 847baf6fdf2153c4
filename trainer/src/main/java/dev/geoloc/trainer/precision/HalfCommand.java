package dev.geoloc.trainer.precision;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.geoloc.model.BundleException;
import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.EncoderPrecision;
import dev.geoloc.model.InferenceDevice;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
import dev.geoloc.trainer.options.DeviceOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code geoloc-trainer half}: a copy of a bundle that serves in half precision, with the encoder that
 * {@code trainer/scripts/export_half.py} exported from it (docs/performance.md#half-precision).
 */
@Command(name = "half",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Writes a copy of a model bundle that serves in half precision: the bundle's encoder as "
                + "trainer/scripts/export_half.py exported it in fp16 or bf16 (float32 in and out), with the same head, "
                + "catalog, calibration, gallery and cells. Runs the original and the copy on the probe batch, on "
                + "--device, and writes the copy only if they agree within 5e-2; the copy's reference outputs are "
                + "measured there, with that tolerance. Prints the difference.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written",
                "1:failed: invalid bundle, an encoder that does not load, does not run in that precision on the "
                        + "device, or computes another model",
                "2:wrong usage: bad option, unknown precision or device, --out not empty"})
public final class HalfCommand implements Callable<Integer>, ComputesWithLibtorch {

    @Spec
    CommandSpec spec;

    @Option(names = "--bundle", required = true, paramLabel = "PATH",
            description = "The fp32 model bundle, a directory or a zip.")
    Path bundle;

    @Option(names = "--encoder", required = true, paramLabel = "FILE.pt",
            description = "Its encoder exported in half precision by trainer/scripts/export_half.py.")
    Path encoder;

    @Option(names = "--precision", required = true, paramLabel = "fp16|bf16",
            description = "What the encoder computes in: fp16 for GPUs, bf16 for GPUs and CPUs that have it (both run "
                    + "on this project's libtorch on a CPU, slowly where the CPU lacks them).")
    String precisionLabel;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The new bundle's directory (new or empty).")
    Path out;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws IOException {
        EncoderPrecision precision = checkedUsage();
        PrintWriter console = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ModelBundle opened = ModelBundle.open(bundle)) {
            EncoderPrecision original = opened.manifest().encoderPrecision();
            if (original != EncoderPrecision.FP32) {
                err.println("half failed: " + bundle + " computes in " + original.label() + " already; give the fp32"
                        + " bundle it was made from");
                err.flush();
                return 1;
            }
            BundleWriter.PrecisionCopy copy = BundleWriter.withEncoder(opened, encoder, precision, device.device(), out);
            console.printf(Locale.ROOT, "Bundle in %s written: %s%n  its outputs on the probe batch differ from the"
                            + " original's by %.3g (allowed: %.0g), on %s%n  encoder.pt %.1f MB, was %.1f MB%n",
                    precision.label(), copy.directory(), copy.differenceFromOriginal(), precision.tolerance(),
                    InferenceDevice.name(InferenceDevice.select(device.device())),
                    Files.size(copy.directory().resolve(ModelBundle.ENCODER)) / 1e6,
                    Files.size(opened.directory().resolve(ModelBundle.ENCODER)) / 1e6);
            console.flush();
            return 0;
        } catch (IOException | UncheckedIOException | BundleException | IllegalArgumentException
                 | IllegalStateException e) { // IllegalStateException: the model gave non-finite outputs
            err.println("half failed: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private EncoderPrecision checkedUsage() throws IOException {
        try {
            InferenceDevice.select(device.device());
            EncoderPrecision precision = EncoderPrecision.fromLabel(precisionLabel);
            if (precision == EncoderPrecision.FP32) {
                throw new IllegalArgumentException("--precision fp32: the bundle computes in fp32 already");
            }
            if (Files.isDirectory(out)) {
                try (var entries = Files.list(out)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("--out " + out + " is not empty");
                    }
                }
            }
            return precision;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
