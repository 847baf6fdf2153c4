package dev.geoloc.trainer.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;

import dev.geoloc.model.ModelBundle;

/**
 * Replaces a bundle directory with a rewritten copy of it: the copy is written beside the original, then the two
 * folders are swapped, so that an interruption leaves the old bundle or the new one, never half of each. For
 * commands that add a file to a bundle (calibrate, gallery).
 */
public final class InPlaceRewrite {

    /** Writes the new bundle into a directory that does not exist yet. */
    public interface Writer {
        void writeTo(Path directory) throws IOException;
    }

    private InPlaceRewrite() {
    }

    /** @return the bundle's directory, now holding what {@code writer} wrote */
    public static Path rewrite(ModelBundle bundle, String suffix, Writer writer) throws IOException {
        Path target = bundle.directory().toAbsolutePath().normalize();
        Path fresh = target.resolveSibling(target.getFileName() + "." + suffix);
        Path old = target.resolveSibling(target.getFileName() + ".previous");
        deleteTree(fresh);
        deleteTree(old);
        writer.writeTo(fresh);
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
        return target;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
