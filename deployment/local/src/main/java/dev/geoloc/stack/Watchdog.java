package dev.geoloc.stack;

import java.util.ArrayList;
import java.util.List;

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

    /** Tells the watchdog whose end to watch for: this JVM's. */
    static void watchThisJvm(ProcessBuilder builder) {
        builder.environment().put("PARENT_PID", Long.toString(ProcessHandle.current().pid()));
    }
}
