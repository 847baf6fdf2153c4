package dev.geoloc.trainer.publish;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;

import dev.geoloc.contracts.versions.RolloutSignatures;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Key options' PEM files, read as the command line is parsed: a file that is missing or holds no Ed25519 key is
 * wrong usage, whatever the command then does.
 */
final class KeyFiles {

    private KeyFiles() {
    }

    /** {@code --signing-key}. */
    static final class Private implements ITypeConverter<PrivateKey> {
        @Override
        public PrivateKey convert(String file) {
            try {
                return RolloutSignatures.readPrivateKey(Path.of(file));
            } catch (IOException e) {
                throw new TypeConversionException(problem(e, file));
            }
        }
    }

    /** {@code --verify-key}, {@code --rollback-verify-key}. */
    static final class Public implements ITypeConverter<PublicKey> {
        @Override
        public PublicKey convert(String file) {
            try {
                return RolloutSignatures.readPublicKey(Path.of(file));
            } catch (IOException e) {
                throw new TypeConversionException(problem(e, file));
            }
        }
    }

    private static String problem(IOException e, String file) {
        return e instanceof NoSuchFileException ? file + " does not exist" : e.getMessage();
    }
}
