package dev.geoloc.trainer.calibration;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

import dev.geoloc.dataset.ManifestException;
import dev.geoloc.dataset.Split;
import dev.geoloc.model.BundleException;
import dev.geoloc.model.InferenceDevice;
import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
import dev.geoloc.trainer.options.BundleRewriteOptions;
import dev.geoloc.trainer.options.DatasetOptions;
import dev.geoloc.trainer.options.DeviceOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code geoloc-trainer calibrate}: fits a bundle's temperature on a dataset's validation split, draws its training
 * photos' coordinates per region, and writes the bundle with its {@code calibration.json} (docs/calibration.md).
 */
@Command(name = "calibrate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Calibrates a model bundle on a dataset: fits the temperature that divides its logits on the "
                + "validation split (least NLL), draws up to 64 training locations per region for the expected error "
                + "and the 90 %% radius, and writes the bundle with calibration.json, in place or to --out. The "
                + "bundle's digest changes. Prints the temperature and the NLL before and after.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:calibrated",
                "1:failed: invalid bundle or manifest, no usable image, or the bundle could not be written",
                "2:wrong usage: bad option, unknown split or device, the train split to fit on"})
public final class CalibrateCommand implements Callable<Integer>, ComputesWithLibtorch {

    @Spec
    CommandSpec spec;

    @Mixin
    BundleRewriteOptions bundle;

    @Mixin
    DatasetOptions data;

    @Option(names = "--split", defaultValue = "validation", paramLabel = "SPLIT",
            description = "The split the temperature is fitted on: validation or test (default: ${DEFAULT-VALUE}).")
    String splitLabel;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        Split split = checkedUsage();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (split == Split.TEST) {
                err.println("Fitting on the test split: the test split's figures will no longer be held out");
                err.flush();
            }
            new Calibrator(spec.commandLine().getOut()).calibrate(bundle.bundle(), data.manifest(null), data.name(),
                    split, device.device(), bundle.out().orElse(null));
            return 0;
        } catch (IOException | UncheckedIOException | BundleException | ManifestException | IllegalArgumentException
                 | IllegalStateException e) { // IllegalStateException: the model gave non-finite logits
            err.println("calibrate failed: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** The split to fit on, once the options are known to make sense together. */
    private Split checkedUsage() {
        bundle.check(spec);
        try {
            InferenceDevice.select(device.device());
            Split split = Split.fromLabel(splitLabel);
            if (split == Split.TRAIN || split == Split.EXCLUDED) {
                throw new IllegalArgumentException("--split " + splitLabel + ": a temperature is fitted on images the "
                        + "model did not train on (validation)");
            }
            return split;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
