package dev.geoloc.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.ImagePullPolicy;

/** What the stack and its tests do to running containers. */
public final class Containers {

    /**
     * The images are build.sh's, never a registry's: one missing is an error, not a reason to pull a namesake (the
     * names start with localhost/ for the same reason).
     */
    public static final ImagePullPolicy NEVER_PULL = image -> false;

    private Containers() {
    }

    /** Runs {@code command} in {@code container}; a failure carries what it printed. */
    public static String exec(GenericContainer<?> container, String... command) {
        try {
            Container.ExecResult result = container.execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed in " + container.getDockerImageName()
                        + " (exit " + result.getExitCode() + "): " + result.getStdout() + result.getStderr());
            }
            return result.getStdout();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Writes the container's output so far to {@code file}; a container that never started has none. */
    public static void saveLogs(GenericContainer<?> container, Path file) {
        if (container.getContainerId() == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, container.getLogs());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
