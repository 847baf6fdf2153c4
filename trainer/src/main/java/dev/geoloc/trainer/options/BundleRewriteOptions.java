package dev.geoloc.trainer.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --bundle} and {@code --out} of a command that adds a file to a bundle (calibrate, gallery): the bundle is
 * rewritten in place, or a copy written to {@code --out}, which a zipped bundle needs.
 */
public final class BundleRewriteOptions {

    @Option(names = "--bundle", required = true, paramLabel = "PATH",
            description = "Model bundle, a directory (rewritten in place unless --out) or a zip (needs --out).")
    Path bundle;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write the new bundle to this directory (new or empty) and leave --bundle as it is.")
    Path out;

    public Path bundle() {
        return bundle;
    }

    /** Where the new bundle goes; empty to rewrite {@link #bundle()} in place. */
    public Optional<Path> out() {
        return Optional.ofNullable(out);
    }

    /** @throws ParameterException for a zipped bundle without {@code --out}: a zip cannot be rewritten in place */
    public void check(CommandSpec spec) {
        if (out == null && !Files.isDirectory(bundle)) {
            throw new ParameterException(spec.commandLine(), "--bundle " + bundle + ": a zipped bundle cannot be "
                    + "rewritten in place; give --out DIR");
        }
    }
}
