package dev.geoloc.stack;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the local stack runs under a small shell that kills it when this JVM goes away, even by
 * SIGKILL, so that an aborted test run never leaves a registry or an object store behind.
 */
final class Watchdog {

    private static final String SCRIPT = """
            "$@" &
            child=$!
            trap 'kill $child 2>/dev/null' TERM INT
            while kill -0 "$PARENT_PID" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done
            kill $child 2>/dev/null
            wait $child
            """;

    private Watchdog() {
    }

    /** The command line that runs {@code command} under the watchdog, named {@code name} in process lists. */
    static List<String> around(String name, String... command) {
        List<String> line = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, name));
        line.addAll(List.of(command));
        return line;
    }

    /** Stops the watchdog and its child, politely first, by force after 15 s. */
    static void stop(Process watchdog) {
        watchdog.descendants().forEach(ProcessHandle::destroy);
        watchdog.destroy();
        try {
            if (!watchdog.waitFor(15, TimeUnit.SECONDS)) {
                watchdog.descendants().forEach(ProcessHandle::destroyForcibly);
                watchdog.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells the watchdog whose end to watch for: this JVM's. */
    static void watchThisJvm(ProcessBuilder builder) {
        builder.environment().put("PARENT_PID", Long.toString(ProcessHandle.current().pid()));
    }
}
