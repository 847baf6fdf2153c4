package dev.geoloc.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.contracts.versions.RolloutSignatures;
import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.Sha256;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.StreamingStackExtension;
import dev.geoloc.trainer.TrainerCommand;
import picocli.CommandLine;

/** {@code publish} against a real broker and a real schema registry. */
@ExtendWith(StreamingStackExtension.class)
class PublishCommandTest {

    /** A bundle evaluated at 8 km mean error and 40 % accuracy, as a directory and as a zip. */
    private static Path bundleDirectory;
    private static Path bundleZip;
    private static String bundleDigest;

    private final StreamingStack stack;
    @TempDir
    Path dir;
    private Path store;
    private VersionsTopic topic;

    PublishCommandTest(StreamingStack stack) {
        this.stack = stack;
    }

    @BeforeAll
    static void bundles(@TempDir Path bundles) throws IOException {
        bundleDirectory = TestBundles.bundle(bundles.resolve("la-street"), "la-street", TestBundles.metrics(8.0, 0.40));
        bundleZip = BundleWriter.zip(bundleDirectory, bundles.resolve("la-street.zip"));
        try (ModelBundle bundle = ModelBundle.open(bundleDirectory)) {
            bundleDigest = bundle.digest();
        }
    }

    @BeforeEach
    void topic() {
        store = dir.resolve("store");
        topic = VersionsTopic.create(stack, 1);
    }

    @Test
    void publishesAVersionThatLandsOnTheTopicWithItsBundleInTheStore() throws IOException {
        Instant before = Instant.now().minusMillis(1);

        assertThat(publish("--bundle", bundleDirectory.toString(), "--notes", "first cut")).isZero();

        Path stored = store.resolve("la-street/1/la-street-1.zip").toAbsolutePath();
        assertThat(topic.stdout.toString()).contains("published la-street version 1",
                "action:   stable, sequence 1, unsigned", stored.toUri().toString(), Sha256.of(stored),
                topic.name + " partition 0, offset 0", "now:      stable v1",
                "passed: no stable version is published yet");
        List<ConsumerRecord<String, ModelVersion>> records = readTopic();
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("la-street/1");
        ModelVersion record = records.get(0).value();
        assertThat(record.getModelName()).isEqualTo("la-street");
        assertThat(record.getVersion()).isEqualTo(1);
        assertThat(URI.create(record.getArtifactUri())).isEqualTo(stored.toUri());
        assertThat(record.getSha256()).isEqualTo(Sha256.of(Path.of(URI.create(record.getArtifactUri()))));
        assertThat(record.getBackbone()).isEqualTo("tiny-cnn");
        assertThat(record.getHead()).isEqualTo("classifier");
        assertThat(record.getLoss()).isEqualTo("geo-smoothing");
        assertThat(record.getRegionCatalogHash()).isEqualTo(RegionCatalog.losAngeles().hash());
        assertThat(record.getMetrics().getDataset()).isEqualTo(TestBundles.DATASET);
        assertThat(record.getMetrics().getSamples()).isEqualTo(2000);
        assertThat(record.getMetrics().getMeanErrorKm()).isEqualTo(8.0);
        assertThat(record.getMetrics().getAccuracy()).isEqualTo(0.40);
        assertThat(record.getMetrics().getAccAt25km()).isEqualTo(0.70);
        assertThat(record.getCreatedTime()).isAfter(before).isBefore(Instant.now().plusMillis(1));
        assertThat(record.getNotes()).isEqualTo("first cut");
        assertThat(record.getSequence()).as("the model's first action").isEqualTo(1);
        assertThat(record.getRole()).isEqualTo(RolloutRole.STABLE);
        assertThat(record.getTrafficPercent()).isZero();
        assertThat(record.getSignature()).as("published without --signing-key").isNull();
        try (ModelBundle published = ModelBundle.open(stored)) {
            assertThat(published.digest()).isEqualTo(bundleDigest);
        }
    }

    @Test
    void withASigningKeyTheVersionCarriesASignatureThatItsPublicKeyVerifies() throws Exception {
        TestKeys keys = TestKeys.create(dir.resolve("keys"));

        assertThat(publish("--bundle", bundleDirectory.toString(), "--model-name", "signed-line",
                "--signing-key", keys.signing().toString())).isZero();

        ModelVersion record = topic.last();
        assertThat(record.getModelName()).isEqualTo("signed-line");
        assertThat(topic.stdout.toString()).contains("action:   stable, sequence 1, signed");
        assertThat(RolloutSignatures.verify(keys.pair().getPublic(), record)).isTrue();
        assertThat(RolloutSignatures.verify(TestKeys.create(dir.resolve("other")).pair().getPublic(), record))
                .as("another key's public half").isFalse();
    }

    @Test
    void aCanaryGoesBesideTheStableVersionWithItsShareTheNextSequenceAndASignature() throws Exception {
        TestKeys keys = TestKeys.create(dir.resolve("keys"));
        assertThat(publish("--bundle", bundleDirectory.toString(), "--signing-key", keys.signing().toString())).isZero();

        assertThat(publish("--bundle", bundleDirectory.toString(), "--canary", "10",
                "--signing-key", keys.signing().toString(), "--verify-key", keys.verify().toString())).isZero();

        assertThat(topic.stdout.toString()).contains("published la-street version 2",
                "action:   canary at 10 %, sequence 2, signed", "now:      stable v1, canary v2 at 10 %",
                "passed: no worse than the stable version");
        ModelVersion canary = topic.last();
        assertThat(canary.getVersion()).isEqualTo(2);
        assertThat(canary.getRole()).isEqualTo(RolloutRole.CANARY);
        assertThat(canary.getTrafficPercent()).isEqualTo(10);
        assertThat(canary.getSequence()).isEqualTo(2);
        assertThat(RolloutSignatures.verify(keys.pair().getPublic(), canary)).isTrue();
    }

    @Test
    void aShadowGoesBesideTheStableVersionAndACanary() throws IOException {
        assertThat(publish("--bundle", bundleDirectory.toString())).isZero();
        assertThat(publish("--bundle", bundleDirectory.toString(), "--canary", "25")).isZero();

        assertThat(publish("--bundle", bundleDirectory.toString(), "--shadow")).isZero();

        assertThat(topic.stdout.toString()).contains("published la-street version 3",
                "action:   shadow, sequence 3, unsigned", "now:      stable v1, canary v2 at 25 %, shadow v3");
        ModelVersion shadow = topic.last();
        assertThat(shadow.getRole()).isEqualTo(RolloutRole.SHADOW);
        assertThat(shadow.getTrafficPercent()).isZero();
        assertThat(shadow.getSequence()).isEqualTo(3);
    }

    @Test
    void aCanaryOrAShadowNeedsAStableVersionAndOneRoleAtATime() throws Exception {
        assertThat(publish("--bundle", bundleDirectory.toString(), "--canary", "10")).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("a canary goes beside the stable version, and la-street has none",
                "publish it without --canary or --shadow first");
        assertThat(publish("--bundle", bundleDirectory.toString(), "--shadow")).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("a shadow goes beside the stable version");

        assertThat(publish("--bundle", bundleDirectory.toString(), "--canary", "10", "--shadow")).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("mutually exclusive");
        assertThat(publish("--bundle", bundleDirectory.toString(), "--canary", "100")).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("--canary takes a share of 1 to 99 %, not 100");

        TestKeys keys = TestKeys.create(dir.resolve("keys"));
        assertThat(publish("--bundle", bundleDirectory.toString(), "--verify-key", keys.verify().toString())).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("--verify-key says processors act on signed versions only",
                "--signing-key");

        assertThat(readTopic()).isEmpty();
        assertThat(store).doesNotExist();
    }

    @Test
    void refusesAWorseModelOnTheSameTestSetUnlessForced() throws IOException {
        assertThat(publish("--bundle", bundleDirectory.toString())).isZero();
        Path worse = metricsFile(TestBundles.metrics(9.5, 0.55));

        assertThat(publish("--bundle", bundleZip.toString(), "--metrics", worse.toString())).isEqualTo(1);

        assertThat(topic.stderr.toString()).contains("publish refused for la-street: worse than the stable version",
                "mean error 9.500 km", "version 1's 8.000 km", "Nothing was stored or sent", "--force");
        assertThat(readTopic()).hasSize(1);
        assertThat(new DirectoryModelStore(store).versions("la-street")).containsExactly(1);

        assertThat(publish("--bundle", bundleZip.toString(), "--metrics", worse.toString(), "--force")).isZero();

        assertThat(topic.stdout.toString()).contains("published la-street version 2", "refused, overridden by --force");
        List<ConsumerRecord<String, ModelVersion>> records = readTopic();
        assertThat(records).extracting(r -> r.value().getVersion()).containsExactly(1, 2);
        assertThat(records.get(1).value().getMetrics().getMeanErrorKm()).isEqualTo(9.5);
        // A zip and its directory are the same bundle: the store holds the same canonical archive.
        assertThat(records.get(1).value().getSha256()).isEqualTo(records.get(0).value().getSha256());
    }

    @Test
    void aBetterModelPassesAndAnotherTestSetNeedsForce() throws IOException {
        assertThat(publish("--bundle", bundleDirectory.toString())).isZero();
        assertThat(publish("--bundle", bundleDirectory.toString(),
                "--metrics", metricsFile(TestBundles.metrics(6.0, 0.45)).toString())).isZero();
        assertThat(topic.stdout.toString()).contains("published la-street version 2", "passed: no worse");

        Path otherSet = metricsFile(TestBundles.metrics("streetview-la/test", 600, 1.0, 0.9));
        assertThat(publish("--bundle", bundleDirectory.toString(), "--metrics", otherSet.toString())).isEqualTo(1);

        assertThat(topic.stderr.toString()).contains("not the same test set");
        assertThat(readTopic()).hasSize(2);
    }

    @Test
    void modelNamesAreSeparateLinesWithTheirOwnVersions() throws IOException {
        assertThat(publish("--bundle", bundleDirectory.toString())).isZero();
        Path worse = metricsFile(TestBundles.metrics(20.0, 0.1));

        assertThat(publish("--bundle", bundleDirectory.toString(), "--model-name", "la-experiment",
                "--metrics", worse.toString())).isZero();

        assertThat(topic.stdout.toString()).contains("published la-experiment version 1");
        assertThat(readTopic()).extracting(ConsumerRecord::key).containsExactly("la-street/1", "la-experiment/1");
        assertThat(store.resolve("la-experiment/1/la-experiment-1.zip")).exists();
    }

    @Test
    void everyVersionHasItsOwnKeySoThatCompactionKeepsItAndAModelKeepsToOnePartition() throws IOException {
        topic = VersionsTopic.create(stack, 3);

        assertThat(publish("--bundle", bundleDirectory.toString(), "--model-name", "la-night")).isZero();
        assertThat(publish("--bundle", bundleDirectory.toString(), "--model-name", "la-night",
                "--metrics", metricsFile(TestBundles.metrics(6.0, 0.45)).toString())).isZero();
        assertThat(publish("--bundle", bundleDirectory.toString(), "--model-name", "la-experiment")).isZero();

        List<ConsumerRecord<String, ModelVersion>> records = readTopic();
        assertThat(records).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder("la-night/1", "la-night/2", "la-experiment/1");
        // One model's records in one partition keep the order they were sent in, which says what serves: the
        // partition of the model name (1 for la-night), where Kafka's default partitioner on the whole keys would
        // put la-night/1 and la-night/2 (partition 0).
        int byName = org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2("la-night".getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 3;
        assertThat(byName).isEqualTo(1);
        assertThat(records.stream().filter(r -> r.key().startsWith("la-night/")).map(ConsumerRecord::partition))
                .hasSize(2).containsOnly(byName);
    }

    @Test
    void versionNumbersAreNeverReusedEvenIfTheTopicForgotThem() throws IOException {
        // Version 1 stored, but its record never sent (the broker was down, say): the number stays taken.
        new DirectoryModelStore(store).put(bundleZip, "la-street", 1);

        assertThat(publish("--bundle", bundleDirectory.toString())).isZero();

        assertThat(readTopic()).extracting(r -> r.value().getVersion()).containsExactly(2);
    }

    @Test
    void aMissingTopicIsReportedNotCreated() {
        topic = VersionsTopic.missing(stack);

        assertThat(publish("--bundle", bundleDirectory.toString())).isEqualTo(1);

        assertThat(topic.stderr.toString()).contains("publish failed: Topic " + topic.name + " does not exist", "append-only");
        assertThat(store.resolve("la-street")).doesNotExist();
    }

    @Test
    void badInputIsWrongUsage(@TempDir Path other) throws IOException {
        assertThat(publish("--bundle", other.toString())).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("Invalid model bundle", "bundle.json is missing");

        Map<String, Object> incomplete = TestBundles.metrics(8.0, 0.4);
        incomplete.remove("dataset");
        assertThat(publish("--bundle", bundleDirectory.toString(),
                "--metrics", metricsFile(incomplete).toString())).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("dataset must name the evaluation set");

        Path unevaluated = TestBundles.bundle(other.resolve("unevaluated"), "la-street", Map.of());
        assertThat(publish("--bundle", unevaluated.toString())).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("the bundle's metrics cannot be published", "--metrics=FILE");

        assertThat(publish("--bundle", bundleDirectory.toString(), "--model-name", "../escape")).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("model name '../escape' must be");

        assertThat(readTopic()).isEmpty();
        assertThat(store).doesNotExist();
    }

    @Test
    void isASubcommandOfTheTrainerWithHelp() {
        CommandLine trainer = TrainerCommand.commandLine();
        trainer.setOut(new PrintWriter(topic.stdout));
        assertThat(trainer.execute("publish", "--help")).isZero();
        assertThat(topic.stdout.toString()).contains("--bundle", "--model-name", "--metrics", "--store",
                "--bootstrap-servers", "--schema-registry-url", "--client-config", "--topic", "--verify-key", "--notes",
                "--canary=PERCENT", "--shadow", "--signing-key", "--force", "Quality gate", "Exit codes:");
    }

    @Test
    void aTopicThatLosesRecordsIsPublishedToAndSaidToLoseThem() {
        // Given a versions topic made before it was append-only: compacted, records kept a day
        topic = VersionsTopic.createWith(stack, 1, Map.of("cleanup.policy", "compact", "retention.ms", "86400000"));

        // When a version is published to it
        assertThat(publish("--bundle", bundleDirectory.toString())).isZero();

        // Then it is published, and standard error says what will take it out and how to stop that
        assertThat(topic.stdout.toString()).contains("published la-street version 1");
        assertThat(topic.stderr.toString()).startsWith("warning: " + topic.name + " loses records: ")
                .contains("cleanup.policy=compact: once the broker cleans the log, a tombstone",
                        "retention.ms=86400000: records older than PT24H are deleted",
                        "kafka-configs --bootstrap-server <brokers> --alter --entity-type topics --entity-name "
                                + topic.name + " --add-config cleanup.policy=delete,retention.ms=-1,retention.bytes=-1");
        // and so does every command that reads it
        topic.clearOutput();
        assertThat(topic.run(new VersionsCommand(), "--model-name", "la-street")).isZero();
        assertThat(topic.stderr.toString()).startsWith("warning: " + topic.name + " loses records: ");
    }

    @Test
    void aTopicMadeAsTopicsConfSaysDrawsNoWarning() {
        assertThat(publish("--bundle", bundleDirectory.toString())).isZero();

        assertThat(topic.stderr.toString()).isEmpty();
    }

    private int publish(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--store", store.toString()));
        return topic.run(new PublishCommand(), all.toArray(String[]::new));
    }

    private Path metricsFile(Map<String, Object> metrics) throws IOException {
        Path file = Files.createTempFile(dir, "metrics-", ".json");
        new ObjectMapper().writeValue(file.toFile(), metrics);
        return file;
    }

    private List<ConsumerRecord<String, ModelVersion>> readTopic() {
        return topic.records();
    }
}
