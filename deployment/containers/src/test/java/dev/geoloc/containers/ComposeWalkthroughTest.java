package dev.geoloc.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml as a user meets it: the commands its top comment lists, run one after the other, as written,
 * in a folder of their own. Only the first, building the images, is left out: the build before the tests did it.
 */
class ComposeWalkthroughTest {

    private static final Path REPOSITORY = Path.of("../..").toAbsolutePath().normalize();
    private static final String BUILD_IMAGES = "deployment/images/build.sh";
    /** Its own project name: the walkthrough's containers and volumes never meet a user's. */
    private static final String PROJECT = "geoloc-walkthrough";

    private final Path folder = Path.of("target", "compose-walkthrough").toAbsolutePath();
    /**
     * The compose file's host ports, each moved to one free when the test starts, through the variables the file
     * reads: a local stack or anything else on the usual ports does not stand in the way.
     */
    private final Map<String, String> ports = freePorts("GEOLOC_KAFKA_PORT", "GEOLOC_REGISTRY_PORT",
            "GEOLOC_MANAGEMENT_PORT", "GEOLOC_API_PORT", "GEOLOC_PROMETHEUS_PORT", "GEOLOC_GRAFANA_PORT");
    private final Path logs = Path.of("target", "test-logs").toAbsolutePath();

    /** Before, in case an earlier run was killed midway; after, so that nothing is left behind. */
    @BeforeEach
    @AfterEach
    void down() throws Exception {
        run("docker-compose --profile observability down -v", logs.resolve("compose-down.log"));
    }

    @Test
    void theCommandsAtTheTopOfTheComposeFileTakePhotosToAnswers() throws Exception {
        // Given the compose file and the files it mounts, in a folder of their own
        copy("docker-compose.yml");
        copy("deployment/topics.conf");
        copy("deployment/observability/prometheus/prometheus.yml");
        copy("deployment/observability/prometheus/alerts.yml");
        List<String> commands = walkthrough(Files.readAllLines(folder.resolve("docker-compose.yml")));
        assertThat(commands).first().isEqualTo(BUILD_IMAGES);
        assertThat(commands).last().asString().startsWith("docker-compose run --rm trainer send");

        // When each command after the image build runs as written
        String last = "";
        for (int i = 1; i < commands.size(); i++) {
            Path log = logs.resolve("compose-step-" + i + ".log");
            int exit = run(commands.get(i), log);
            last = Files.readString(log);
            assertThat(exit).as("exit of `%s`; its output:%n%s", commands.get(i), last).isZero();
        }

        // Then the photos sent at the end were all answered, by the version the walkthrough published
        assertThat(last).contains("answered 200 of 200", "200 predictions, 0 dead letters", "v1 ");
        // and the registry holds each topic's value rule from topics.conf
        assertThat(subjectRule("region-predictions-value")).contains("\"FULL_TRANSITIVE\"");
        assertThat(subjectRule("model-versions-value")).contains("\"BACKWARD_TRANSITIVE\"");

        // When the observability profile's Prometheus starts as the file says, where nothing can be pulled
        Path observability = logs.resolve("compose-observability.log");
        int exit = run("docker-compose --profile observability up -d prometheus", observability);
        assertThat(exit).as(Files.readString(observability)).isZero();

        // Then it scrapes the processor and counts the 200 answers, and evaluates the alert rules without error
        awaitPrometheusReady();
        assertThat(awaitPrometheus("sum(geoloc_predictions_out_total)", 200)).isGreaterThanOrEqualTo(200);
        assertThat(awaitRulesEvaluated()).contains("\"GeolocLagGrowing\"", "\"GeolocNoReadyReplica\"")
                .contains("\"health\":\"ok\"").doesNotContain("\"health\":\"err\"");
    }

    /** The alert rules as Prometheus reports them once each has been evaluated (every 15 s in compose). */
    private String awaitRulesEvaluated() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String rules = prometheus("/api/v1/rules");
        while (rules.contains("\"health\":\"unknown\"") && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            rules = prometheus("/api/v1/rules");
        }
        return rules;
    }

    /** A query's value once it is at least {@code atLeast}, as compose's Prometheus answers it. */
    private double awaitPrometheus(String query, double atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = prometheus("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
            Matcher value = Pattern.compile("\"value\":\\[[0-9.e+]+,\"([^\"]+)\"\\]").matcher(last);
            if (value.find() && Double.parseDouble(value.group(1)) >= atLeast) {
                return Double.parseDouble(value.group(1));
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("Prometheus gave no " + query + " of at least " + atLeast + " within 90 s: " + last);
    }

    /** Until Prometheus says it is ready: before, while it opens its storage, its API answers 503. */
    private void awaitPrometheusReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> ready = getFromPrometheus("/-/ready");
                if (ready.statusCode() == 200) {
                    return;
                }
                last = ready.statusCode() + " " + ready.body();
            } catch (IOException notListeningYet) {
                last = notListeningYet.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus was not ready within 60 s: " + last);
    }

    private String prometheus(String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = getFromPrometheus(path);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    private HttpResponse<String> getFromPrometheus(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + ports.get("GEOLOC_PROMETHEUS_PORT") + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A subject's compatibility rule as compose's registry answers it: {"compatibilityLevel": ...}. */
    private String subjectRule(String subject) throws IOException, InterruptedException {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + ports.get("GEOLOC_REGISTRY_PORT") + "/apis/ccompat/v7/config/" + subject)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    /**
     * The commands of the file's top comment, from the image build to the first blank comment line: one per line,
     * a line ending in a backslash continued on the next, and a trailing comment (two spaces, then #) dropped.
     */
    static List<String> walkthrough(List<String> lines) {
        List<String> commands = new ArrayList<>();
        StringBuilder command = null;
        boolean started = false;
        for (String line : lines) {
            String text = line.replaceFirst("^#\\s*", "");
            if (!started) {
                started = text.startsWith(BUILD_IMAGES);
            } else if (text.isBlank()) {
                break;
            }
            if (!started) {
                continue;
            }
            text = text.replaceFirst("\\s{2,}#.*$", "").strip();
            if (command == null) {
                command = new StringBuilder();
            }
            boolean continued = text.endsWith("\\");
            command.append(continued ? text.substring(0, text.length() - 1).strip() + " " : text);
            if (!continued) {
                commands.add(command.toString());
                command = null;
            }
        }
        return commands;
    }

    private void copy(String file) throws IOException {
        Path target = folder.resolve(file);
        Files.createDirectories(target.getParent());
        Files.copy(REPOSITORY.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
    }

    private int run(String command, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        Files.createDirectories(folder);
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().put("COMPOSE_PROJECT_NAME", PROJECT);
        builder.environment().putAll(ports);
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("`" + command + "` ran over 10 minutes; its output: " + log);
        }
        return process.exitValue();
    }

    /** A free port for each variable, all held open at once so that no two are the same. */
    private static Map<String, String> freePorts(String... variables) {
        List<ServerSocket> held = new ArrayList<>();
        Map<String, String> ports = new LinkedHashMap<>();
        try {
            for (String variable : variables) {
                ServerSocket socket = new ServerSocket(0);
                held.add(socket);
                ports.put(variable, String.valueOf(socket.getLocalPort()));
            }
            for (ServerSocket socket : held) {
                socket.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ports;
    }
}
