package dev.geoloc.trainer.options;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.geoloc.model.EncoderContract;

/**
 * Where an encoder comes from: a built-in name ({@code tiny-cnn}, {@code tiny-vit}) or an exported TorchScript file
 * with its {@code .json} contract beside it (export_encoder.py writes both). The one place a command line's encoder
 * is resolved.
 *
 * @param given    the name or path as given on the command line
 * @param contract the encoder's contract: name, input size, preprocessing, embedding width
 */
public record EncoderSource(String given, EncoderContract contract) {

    /**
     * @throws IllegalArgumentException when {@code nameOrFile} is neither a built-in encoder nor a TorchScript file
     *                                  with its contract beside it
     * @throws IOException              when the contract cannot be read
     */
    public static EncoderSource resolve(String nameOrFile) throws IOException {
        if (isBuiltIn(nameOrFile)) {
            return new EncoderSource(nameOrFile, EncoderContract.builtIn(nameOrFile));
        }
        Path sidecar = contractFile(nameOrFile);
        if (!Files.isRegularFile(Path.of(nameOrFile)) || !Files.isRegularFile(sidecar)) {
            throw new IllegalArgumentException("encoder " + nameOrFile + " is neither a built-in encoder "
                    + EncoderContract.BUILT_IN + " nor a TorchScript file with its contract " + sidecar);
        }
        return new EncoderSource(nameOrFile, EncoderContract.read(sidecar));
    }

    public boolean builtIn() {
        return isBuiltIn(given);
    }

    /**
     * The TorchScript file to load: an exported file as it is, a built-in one copied out of the jar to {@code
     * target}, since libtorch loads from a path.
     */
    public Path file(Path target) throws IOException {
        if (builtIn()) {
            Files.createDirectories(target.toAbsolutePath().getParent());
            return EncoderContract.copyBuiltIn(given, target);
        }
        return Path.of(given);
    }

    private static boolean isBuiltIn(String nameOrFile) {
        return EncoderContract.BUILT_IN.contains(nameOrFile);
    }

    /** {@code dino.pt} → {@code dino.json}, beside it. */
    private static Path contractFile(String encoderFile) {
        return Path.of(encoderFile.replaceFirst("\\.pt$", "") + ".json");
    }
}
