package dev.geoloc.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged stream processor, started as its own process for the demo, following one model name. */
final class ProcessorRun implements AutoCloseable {

    private final Process process;
    private final Path log;
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^ ]*:(\\d+)");

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ProcessorRun(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** @param port the management port: health, metrics and /admin */
    static ProcessorRun start(Path jar, String bootstrap, String registry, String modelName, int port, Path work)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new DemoException("the stream processor is not built: " + jar + " is missing");
        }
        FreePort.require(port, "--management-port");
        Path log = work.resolve("processor.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Health, metrics and /admin are on the management port; the geotag API on a free HTTP port.
                "-Dquarkus.management.port=" + port, "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.http.port=0", "-Dquarkus.http.host=127.0.0.1", "-jar", jar.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("GEOLOC_BOOTSTRAP_SERVERS", bootstrap);
        builder.environment().put("GEOLOC_SCHEMA_REGISTRY_URL", registry);
        builder.environment().put("GEOLOC_MODEL_NAME", modelName);
        // A local trial on a stack nobody else writes to: its versions are not signed (docs/model-versions.md).
        builder.environment().put("GEOLOC_MODEL_ALLOW_UNSIGNED", "true");
        builder.environment().put("GEOLOC_STATE_DIR", work.resolve("processor-state").toString());
        builder.environment().put("DJL_OFFLINE", "true");
        return new ProcessorRun(builder.start(), log, port);
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The synchronous geotag API's URL, from the HTTP port the processor logged it listens on. */
    Optional<String> geotagUrl() {
        try {
            Matcher listening = LISTENING.matcher(Files.readString(log));
            return listening.find() ? Optional.of("http://127.0.0.1:" + listening.group(1) + "/v1/geotag")
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Waits until readiness answers UP: a model loaded and warmed up, Kafka Streams running. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new DemoException("the stream processor stopped; the end of " + log + ":\n" + logTail());
            }
            if (get("/q/health/ready").map(body -> body.contains("\"UP\"")).orElse(false)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new DemoException("the stream processor was not ready within " + timeout.toSeconds() + " s; see " + log);
    }

    /** The version the processor serves now, from its admin endpoint; -1 when it does not say. */
    int servingVersion() {
        return get("/admin/model").map(body -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"serving_version\"\\s*:\\s*(\\d+)").matcher(body);
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        }).orElse(-1);
    }

    private Optional<String> get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(path)))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return Optional.of(response.body());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** SIGTERM: Kafka Streams closes cleanly and commits. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
