package dev.geoloc.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs deployment/local/stack.sh as a user does, on free ports and a temporary home. */
class StackScriptTest {

    @TempDir
    Path home;

    private final Map<String, String> ports = Map.of(
            "GEOLOC_KAFKA_PORT", Integer.toString(FreePorts.next()),
            "GEOLOC_KAFKA_CONTROLLER_PORT", Integer.toString(FreePorts.next()),
            "GEOLOC_REGISTRY_PORT", Integer.toString(FreePorts.next()),
            "GEOLOC_REGISTRY_MANAGEMENT_PORT", Integer.toString(FreePorts.next()));

    @AfterEach
    void stopWhateverIsLeft() throws Exception {
        run("stop");
    }

    @Test
    void startsBothServersWithTheProjectsTopicsAndSubjectRulesAndKeepsSchemasAcrossRestarts() throws Exception {
        Result started = run("start");

        assertThat(started.exitCode()).as(started.output()).isZero();
        String bootstrap = "127.0.0.1:" + ports.get("GEOLOC_KAFKA_PORT");
        String registry = "http://127.0.0.1:" + ports.get("GEOLOC_REGISTRY_PORT") + "/apis/ccompat/v7";
        assertThat(started.output()).contains("GEOLOC_BOOTSTRAP_SERVERS=" + bootstrap,
                "GEOLOC_SCHEMA_REGISTRY_URL=" + registry);
        assertThat(run("status").exitCode()).isZero();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            assertThat(admin.listTopics().names().get()).containsAll(
                    Set.of("image-events", "region-predictions", "model-versions", "dead-letters"));
            TopicDescription images = admin.describeTopics(List.of("image-events")).allTopicNames().get()
                    .get("image-events");
            assertThat(images.partitions()).as("topics.conf: one partition per replica the processor may grow to").hasSize(12);
            for (TopicsFile.Topic topic : TopicsFile.project()) {
                var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
                var configs = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                topic.configs().forEach((name, value) -> assertThat(configs.get(name).value())
                        .as("%s's %s", topic.name(), name).isEqualTo(value));
            }
            var modelVersions = TopicsFile.project("model-versions").configs();
            assertThat(modelVersions).as("append-only: compaction could drop signed actions")
                    .containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "-1");
        }
        for (TopicsFile.Topic topic : TopicsFile.project()) {
            if (topic.valueCompatibility().isPresent()) {
                assertThat(compatibility(registry, topic.valueSubject())).as(topic.valueSubject())
                        .isEqualTo("{\"compatibilityLevel\":\"" + topic.valueCompatibility().get() + "\"}");
            }
        }
        int schemaId = register(registry, "restart-probe-value");

        List<Long> pids = List.of(pid("kafka"), pid("registry"));
        assertThat(run("stop").exitCode()).isZero();
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isEmpty());
        assertThat(run("status").exitCode()).isEqualTo(3);

        assertThat(run("start").exitCode()).isZero();
        HttpResponse<String> kept = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry + "/schemas/ids/" + schemaId)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(kept.statusCode()).isEqualTo(200);

        Files.writeString(home.resolve("notes.txt"), "not the stack's");
        assertThat(run("reset").exitCode()).isZero();
        // reset deletes what start made, and nothing else.
        try (var left = Files.list(home)) {
            assertThat(left).containsExactly(home.resolve("notes.txt"));
        }
    }

    @Test
    void refusesAHomeFolderItDidNotMake() throws Exception {
        Files.writeString(home.resolve("precious.txt"), "keep me");

        Result started = run("start");
        Result reset = run("reset");

        assertThat(started.exitCode()).isEqualTo(1);
        assertThat(started.output()).contains("is not empty and was not made by stack.sh");
        assertThat(reset.exitCode()).isEqualTo(1);
        assertThat(home.resolve("precious.txt")).hasContent("keep me");
    }

    @Test
    void refusesToStartWhenAPortIsTaken() throws Exception {
        int kafkaPort = Integer.parseInt(ports.get("GEOLOC_KAFKA_PORT"));
        try (var squatter = new ServerSocket(kafkaPort, 1, InetAddress.getLoopbackAddress())) {
            Result result = run("start");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.output()).contains("Port " + kafkaPort, "already in use", "GEOLOC_KAFKA_PORT");
            assertThat(home.resolve("kafka.pid")).doesNotExist();
            assertThat(home.resolve("registry.pid")).doesNotExist();
        }
    }

    private long pid(String component) throws IOException {
        return Long.parseLong(Files.readString(home.resolve(component + ".pid")).trim());
    }

    private static int register(String registry, String subject) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"\\\"string\\\"\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Integer.parseInt(response.body().replaceAll("\\D", ""));
    }

    /** The registry's answer on a subject's compatibility rule. */
    private static String compatibility(String registry, String subject) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry + "/config/" + subject)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body().replaceAll("\\s", "");
    }

    private Result run(String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "stack.sh", command).redirectErrorStream(true);
        builder.environment().putAll(ports);
        builder.environment().put("GEOLOC_STACK_HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("stack.sh " + command + " hung:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }
}
