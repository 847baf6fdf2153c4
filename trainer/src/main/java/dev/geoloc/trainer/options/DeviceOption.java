package dev.geoloc.trainer.options;

import picocli.CommandLine.Option;

/** {@code --device}: where libtorch runs a command's model. */
public final class DeviceOption {

    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    /** As {@code PredictorOptions.withDevice} and {@code TrainingOptions} take it. */
    public String device() {
        return device;
    }
}
