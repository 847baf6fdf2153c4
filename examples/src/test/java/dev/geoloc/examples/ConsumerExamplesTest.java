package dev.geoloc.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RegionScore;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.StreamingStackExtension;

/**
 * The Python and Node consumers of examples/ run as a person would run them, against a real broker and registry:
 * each reads predictions that this project's serde wrote transactionally and sums them up, leaving out an aborted
 * transaction's.
 */
@ExtendWith(StreamingStackExtension.class)
class ConsumerExamplesTest {

    /** The module runs from examples/. */
    private static final Path NODE_DIR = Path.of("node").toAbsolutePath();
    private static final Path LOGS = Path.of("target", "test-logs").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The records committed below; what an aborted transaction wrote between them must not count. */
    private static final int COMMITTED = 5;

    /** One partition: the aborted transaction then lies between the committed ones in every reader's order. */
    private static final String TOPIC = "region-predictions-" + UUID.randomUUID();

    private static StreamingStack stack;

    enum Example {
        PYTHON("/usr/bin/python3", "python/predictions_summary.py"),
        NODE("node", "node/predictions-summary.mjs");

        final String interpreter;
        final String script;

        Example(String interpreter, String script) {
            this.interpreter = interpreter;
            this.script = script;
        }
    }

    private record Run(int exitCode, String stdout, String stderr) {
    }

    @BeforeAll
    static void produceCommittedAndAbortedPredictions(StreamingStack streamingStack) throws Exception {
        stack = streamingStack;
        stack.createTopics(new NewTopic(TOPIC, 1, (short) 1));
        SpecificAvroSerde<RegionPrediction> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()), false);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "examples-" + TOPIC),
                new StringSerializer(), serde.serializer())) {
            producer.initTransactions();
            inTransaction(producer, true, List.of(
                    prediction(3, "downtown_la", 0.8, 2.0, "downtown_la", 1.0),
                    prediction(3, "santa_monica", 0.6, 4.0, "venice", 7.0),
                    prediction(3, "downtown_la", 0.4, 3.0, null, null)));
            inTransaction(producer, false, List.of(
                    prediction(5, "burbank", 0.99, 0.1, "burbank", 0.1),
                    prediction(5, "burbank", 0.99, 0.1, "burbank", 0.1),
                    prediction(5, "burbank", 0.99, 0.1, "burbank", 0.1)));
            inTransaction(producer, true, List.of(
                    prediction(4, "pasadena", 0.7, 5.0, "pasadena", 2.0),
                    // Ground truth outside every region: labelled, and wrong.
                    prediction(4, "downtown_la", 0.5, 1.0, null, 40.0)));
        }
        installNodePackages();
    }

    @ParameterizedTest
    @EnumSource(Example.class)
    void sumsUpTheCommittedPredictionsOnly(Example example) throws Exception {
        // Given five committed predictions of la-street 3 and 4, and three of la-street 5 aborted between them

        // When the example reads as many records as were committed
        Run run = run(example, "--bootstrap-servers", stack.bootstrapServers(),
                "--registry-url", stack.schemaRegistryUrl(), "--topic", TOPIC, "--group", "examples-" + example,
                "--max-records", Integer.toString(COMMITTED), "--timeout-s", "60", "--json");

        // Then its summary counts exactly the committed ones
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode summary = JSON.readTree(run.stdout());
        assertThat(summary.get("records").asInt()).isEqualTo(COMMITTED);
        assertThat(summary.get("regions"))
                .isEqualTo(JSON.valueToTree(Map.of("downtown_la", 3, "santa_monica", 1, "pasadena", 1)));
        assertThat(summary.get("mean_confidence").asDouble()).isCloseTo(0.6, within(1e-9));
        assertThat(summary.get("mean_expected_error_km").asDouble()).isCloseTo(3.0, within(1e-9));
        assertThat(summary.get("mean_end_to_end_latency_ms").asDouble()).isCloseTo(20.0, within(1e-9));
        // And on the four labelled ones: two right regions, a mean error of (1 + 7 + 2 + 40) / 4 km
        assertThat(summary.get("labelled").asInt()).isEqualTo(4);
        assertThat(summary.get("accuracy").asDouble()).isCloseTo(0.5, within(1e-9));
        assertThat(summary.get("mean_actual_error_km").asDouble()).isCloseTo(12.5, within(1e-9));
        // And by model version, without the aborted one
        JsonNode models = summary.get("models");
        assertThat(models.fieldNames()).toIterable().containsExactlyInAnyOrder("la-street/3", "la-street/4");
        assertThat(models.get("la-street/3").get("records").asInt()).isEqualTo(3);
        assertThat(models.get("la-street/3").get("labelled").asInt()).isEqualTo(2);
        assertThat(models.get("la-street/3").get("mean_actual_error_km").asDouble()).isCloseTo(4.0, within(1e-9));
        assertThat(models.get("la-street/4").get("accuracy").asDouble()).isCloseTo(0.5, within(1e-9));
        assertThat(models.get("la-street/4").get("mean_actual_error_km").asDouble()).isCloseTo(21.0, within(1e-9));
        // And its last line for people says the same
        assertThat(run.stderr()).contains("5 predictions | top downtown_la 3", "4 labelled: 50.0% right, 12.5 km");
    }

    @ParameterizedTest
    @EnumSource(Example.class)
    void printsLiveLinesAndNeverTheAbortedOnesHoweverLongItWaits(Example example) throws Exception {
        // Given the same topic, to be read by a new group

        // When the example waits for every record written, the aborted ones too, for 3 seconds
        Run run = run(example, "--bootstrap-servers", stack.bootstrapServers(),
                "--registry-url", stack.schemaRegistryUrl(), "--topic", TOPIC, "--group", "live-" + example,
                "--max-records", "8", "--timeout-s", "3", "--interval-s", "0.5");

        // Then it printed a line every half second, the last with the committed ones only
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(4);
        assertThat(lines.get(lines.size() - 1)).startsWith("5 predictions | top downtown_la 3").doesNotContain("burbank");
        // And it failed, as it never got the eight records it was asked for
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("5 of 8 records in 3");
    }

    @ParameterizedTest
    @EnumSource(Example.class)
    void saysSoWhenKafkaIsUnreachable(Example example) throws Exception {
        // Given a broker address where nothing listens
        String nowhere = "127.0.0.1:" + freePort();

        // When the example starts with it
        Run run = run(example, "--bootstrap-servers", nowhere, "--registry-url", stack.schemaRegistryUrl(),
                "--topic", TOPIC, "--timeout-s", "30");

        // Then it fails, naming the address
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("Kafka at " + nowhere + " is unreachable");
        assertThat(run.stdout()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Example.class)
    void saysSoWhenTheRegistryIsUnreachable(Example example) throws Exception {
        // Given a registry URL where nothing listens
        String nowhere = "http://127.0.0.1:" + freePort() + "/apis/ccompat/v7";

        // When the example starts with it
        Run run = run(example, "--bootstrap-servers", stack.bootstrapServers(), "--registry-url", nowhere,
                "--topic", TOPIC, "--timeout-s", "30");

        // Then it fails, naming the URL
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("schema registry at " + nowhere + " is unreachable");
        assertThat(run.stdout()).isEmpty();
    }

    private static RegionPrediction prediction(int version, String region, double probability, double expectedErrorKm,
                                               String trueRegion, Double actualErrorKm) {
        RegionScore predicted = new RegionScore(region, "Region " + region, probability);
        return RegionPrediction.newBuilder()
                .setImageId(UUID.randomUUID().toString()).setModelName("la-street").setModelVersion(version)
                .setTopRegions(List.of(predicted)).setPredictedRegion(predicted)
                .setEstimatedLocation(new GeoPoint(34.05, -118.25)).setExpectedErrorKm(expectedErrorKm)
                .setConfidenceRadiusKm(5.0).setConfidenceLevel(0.9).setBatchSize(8)
                .setQueueLatencyMs(1.0).setInferenceLatencyMs(10.0).setEndToEndLatencyMs(20.0)
                .setProcessedTime(Instant.parse("2026-12-01T00:00:00Z"))
                .setTrueRegionId(trueRegion).setActualErrorKm(actualErrorKm)
                .build();
    }

    private static void inTransaction(KafkaProducer<String, RegionPrediction> producer, boolean commit,
                                      List<RegionPrediction> predictions) {
        producer.beginTransaction();
        for (RegionPrediction prediction : predictions) {
            producer.send(new ProducerRecord<>(TOPIC, prediction.getImageId(), prediction));
        }
        // Flushed before an abort too, so that its records are in the log, marked aborted, for readers to skip.
        producer.flush();
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
    }

    /** npm ci when node_modules is missing or older than the lock file. */
    private static void installNodePackages() throws Exception {
        Path installed = NODE_DIR.resolve("node_modules/.package-lock.json");
        if (Files.exists(installed) && Files.getLastModifiedTime(installed)
                .compareTo(Files.getLastModifiedTime(NODE_DIR.resolve("package-lock.json"))) >= 0) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(NODE_DIR.toFile())
                .redirectErrorStream(true).start();
        String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(300, TimeUnit.SECONDS)).as("npm ci in %s", NODE_DIR).isTrue();
        assertThat(npm.exitValue()).as("npm ci in %s: %s", NODE_DIR, output).isZero();
    }

    /** Runs an example; its standard error goes through a file, kept in target/test-logs. */
    private static Run run(Example example, String... args) throws Exception {
        Files.createDirectories(LOGS);
        Path stderr = Files.createTempFile(LOGS, example.name().toLowerCase() + "-", ".log");
        List<String> command = new ArrayList<>(List.of(example.interpreter, example.script));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new Run(process.exitValue(), stdout, Files.readString(stderr));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
