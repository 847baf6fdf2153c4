package dev.geoloc.trainer.options;

import java.io.IOException;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --encoder NAME|FILE.pt}: the encoder a command trains on; commands hold it with {@code @Mixin}. */
public final class EncoderOption {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--encoder", defaultValue = "tiny-cnn", paramLabel = "NAME|FILE.pt",
            description = "Built-in encoder (tiny-cnn, tiny-vit) or an exported TorchScript file with its .json "
                    + "contract beside it (default: ${DEFAULT-VALUE}).")
    String encoder;

    /** @throws ParameterException (exit code 2) when the encoder cannot be found */
    public EncoderSource source() throws IOException {
        try {
            return EncoderSource.resolve(encoder);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "--" + e.getMessage());
        }
    }

    /** The encoder as given, for a bundle's training record. */
    public String given() {
        return encoder;
    }
}
