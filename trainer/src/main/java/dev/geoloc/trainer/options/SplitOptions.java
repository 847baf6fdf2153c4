package dev.geoloc.trainer.options;

import dev.geoloc.dataset.SplitPlan;
import dev.geoloc.dataset.Splitter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --split blocked|grouped|naive}, {@code --block-km}, {@code --buffer-km}: how a command that writes a
 * dataset splits it; commands hold it with {@code @Mixin}.
 */
public final class SplitOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--split", defaultValue = "blocked", paramLabel = "MODE",
            description = "blocked: squares of ground go whole to one split, training spots near a test spot are "
                    + "excluded; grouped: by location only; naive: image by image, to measure leaks "
                    + "(default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--block-km", defaultValue = "0.4", paramLabel = "KM",
            description = "Side of the blocked split's squares (default: ${DEFAULT-VALUE}).")
    double blockKm;

    @Option(names = "--buffer-km", defaultValue = "0.1", paramLabel = "KM",
            description = "Training spots this close to a test spot are excluded (default: ${DEFAULT-VALUE}).")
    double bufferKm;

    /** @throws ParameterException (exit code 2) for an unknown mode or a block or buffer out of range */
    public SplitPlan plan(Splitter.Fractions fractions) {
        try {
            return new SplitPlan(SplitPlan.Mode.fromLabel(mode), fractions, new Splitter.BlockedSplit(blockKm, bufferKm));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage());
        }
    }
}
