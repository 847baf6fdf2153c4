package dev.geoloc.processor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.geoloc.stack.StreamingStack;

/**
 * The packaged processor ({@code target/quarkus-app/quarkus-run.jar}) running as a process of its own, as it
 * runs in production: what crash tests kill and benchmarks drive.
 */
public final class ProcessorProcess implements AutoCloseable {

    private static final java.util.regex.Pattern LISTENING = java.util.regex.Pattern.compile("Listening on: http://[^ ]*:(\\d+)");
    private static final java.util.regex.Pattern MANAGEMENT = java.util.regex.Pattern.compile(
            "Management interface listening on https?://[^ ]*:(\\d+)");

    private final Process process;
    private final Path log;
    private final Path temporary;

    private ProcessorProcess(Process process, Path log, Path temporary) {
        this.process = process;
        this.log = log;
        this.temporary = temporary;
    }

    /**
     * Starts the processor against the stack, serving the bundle (or, when null, following the versions that
     * {@code settings} name with geoloc.model.name), with extra {@code -Dkey=value} settings. Its output goes to
     * {@code log}.
     */
    public static ProcessorProcess start(StreamingStack stack, Path bundle, Path stateDir, Path log,
                                         Map<String, String> settings) throws IOException {
        return start(stack, bundle, stateDir, log, settings, Map.of());
    }

    /**
     * As {@link #start(StreamingStack, Path, Path, Path, Map)}, with further environment variables for the process
     * (e.g. {@code GEOLOC_INSTANCE_ID}, read as deployments give it); a null value removes one this JVM would pass on.
     */
    public static ProcessorProcess start(StreamingStack stack, Path bundle, Path stateDir, Path log,
                                         Map<String, String> settings, Map<String, String> environment)
            throws IOException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run mvn package first");
        }
        // Its own temporary directory under target/: what a killed process leaves there (OpenCV's and RocksDB's
        // unpacked natives, 60 MB and more a start) goes with mvn clean instead of piling up in /tmp.
        Path temporary = Files.createTempDirectory(log.toAbsolutePath().getParent(), log.getFileName() + ".tmp-");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Djava.io.tmpdir=" + temporary,
                "-Dquarkus.http.port=0", "-Dquarkus.management.port=0", "-Dquarkus.log.level=INFO"));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(Map.of(
                "GEOLOC_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                "GEOLOC_SCHEMA_REGISTRY_URL", stack.schemaRegistryUrl(),
                "GEOLOC_STATE_DIR", stateDir.toString(),
                "DJL_OFFLINE", "true"));
        if (bundle != null) {
            builder.environment().put("GEOLOC_MODEL_BUNDLE", bundle.toString());
        }
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return new ProcessorProcess(builder.start(), log, temporary);
    }

    /** The process's {@code java.io.tmpdir}, beside its log: a fresh one each start. */
    public Path temporaryDirectory() {
        return temporary;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, once the process has ended by itself within {@code timeout}; empty while it runs on. */
    public java.util.OptionalInt awaitExit(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? java.util.OptionalInt.of(process.exitValue())
                : java.util.OptionalInt.empty();
    }

    /** SIGKILL: no shutdown hook, no commit, no flush; what a crash or an OOM kill does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * SIGTERM, and waits up to {@code timeout} for the process to end: its exit code, or empty if it still runs (it
     * is left running).
     */
    public java.util.OptionalInt terminate(java.time.Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    /** SIGTERM, as Kubernetes stops a pod: Quarkus closes Kafka Streams cleanly. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /**
     * Waits until {@code condition} holds; fails, with {@code detail} and the end of this process's log, once
     * {@code seconds} have passed or the process has died.
     */
    public void awaitOrFail(java.util.function.BooleanSupplier condition, int seconds, String what,
                            java.util.function.Supplier<String> detail) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline || !isAlive()) {
                throw new AssertionError(what + " did not happen within " + seconds + " s; " + detail.get()
                        + "; processor log:\n" + logTail());
            }
            Thread.sleep(20);
        }
    }

    /**
     * The HTTP port the process listens on (it starts on a free one), read from Quarkus's start-up line once it
     * has been logged; empty before that.
     */
    public java.util.OptionalInt httpPort() {
        return loggedPort(LISTENING);
    }

    /** The management port (health, metrics, /admin), read from its start-up line; empty before that. */
    public java.util.OptionalInt managementPort() {
        return loggedPort(MANAGEMENT);
    }

    private java.util.OptionalInt loggedPort(java.util.regex.Pattern line) {
        try {
            java.util.regex.Matcher listening = line.matcher(Files.readString(log));
            return listening.find() ? java.util.OptionalInt.of(Integer.parseInt(listening.group(1)))
                    : java.util.OptionalInt.empty();
        } catch (IOException e) {
            return java.util.OptionalInt.empty();
        }
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
