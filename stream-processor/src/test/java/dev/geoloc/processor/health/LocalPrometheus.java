package dev.geoloc.processor.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Prometheus server (Debian's, which {@code ./geoloc test} unpacks into .tools/prometheus) scraping one
 * processor's {@code /q/metrics} every second and evaluating the given rule file as often, as a child process
 * with its own data folder. Its log goes to target/test-logs/prometheus.log.
 */
final class LocalPrometheus implements AutoCloseable {

    /** The module runs from stream-processor. */
    private static final Path BINARY = Path.of("..", ".tools", "prometheus", "usr", "bin", "prometheus")
            .toAbsolutePath().normalize();
    static final String JOB = "geoloc-processor";

    private final Process process;
    private final Path data;
    private final URI api;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private LocalPrometheus(Process process, Path data, URI api) {
        this.process = process;
        this.data = data;
        this.api = api;
    }

    static LocalPrometheus scraping(URL metrics, Path rules) throws Exception {
        assertThat(BINARY).as("Debian's Prometheus; ./geoloc test unpacks it into .tools/prometheus").isExecutable();
        Path data = Files.createTempDirectory("prometheus-");
        Path config = data.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ["%s"]
                scrape_configs:
                  - job_name: %s
                    metrics_path: %s
                    static_configs:
                      - targets: ["%s:%d"]
                """.formatted(rules.toAbsolutePath(), JOB, metrics.getPath(), metrics.getHost(), metrics.getPort()));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = Path.of("target", "test-logs", "prometheus.log");
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + data.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LocalPrometheus prometheus = new LocalPrometheus(process, data, URI.create("http://127.0.0.1:" + port));
        prometheus.awaitReady(log);
        return prometheus;
    }

    /** An instant query's result at the server's now: a vector, each series with its [time, "value"]. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).at("/data/result");
    }

    /** The rule groups as Prometheus evaluates them, each rule with its health, state and last error. */
    JsonNode ruleGroups() throws IOException, InterruptedException {
        return get("/api/v1/rules").at("/data/groups");
    }

    /** Waits until a scrape that started after this call has been stored. */
    void awaitScrapeAfterNow() throws Exception {
        double now = System.currentTimeMillis() / 1000.0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            // timestamp() of the selector itself: of a computed vector (up == 1, say) it is the evaluation's time
            JsonNode last = query("timestamp(up{job=\"" + JOB + "\"})");
            if (!last.isEmpty() && last.get(0).at("/value/1").asDouble() > now) {
                JsonNode up = query("up{job=\"" + JOB + "\"}");
                assertThat(up.get(0).at("/value/1").asText()).as("the processor's last scrape succeeded").isEqualTo("1");
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Prometheus stored no successful scrape of the processor within 30 s: "
                + get("/api/v1/targets").at("/data/activeTargets"));
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private void awaitReady(Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("Prometheus exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(api.resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        close();
        throw new AssertionError("Prometheus was not ready within 30 s; its log: " + log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        }
    }
}
