package dev.geoloc.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.contracts.versions.RolloutSignatures;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.StreamingStackExtension;

/** {@code versions} and {@code rollback} against a real broker and registry, on versions {@code publish} made. */
@ExtendWith(StreamingStackExtension.class)
class RollbackCommandTest {

    private static Path bundle;
    private static Path betterMetrics;

    private final StreamingStack stack;
    @TempDir
    Path store;
    private VersionsTopic topic;

    RollbackCommandTest(StreamingStack stack) {
        this.stack = stack;
    }

    @BeforeAll
    static void bundle(@TempDir Path dir) throws IOException {
        bundle = TestBundles.bundle(dir.resolve("la-street"), "la-street", TestBundles.metrics(8.0, 0.40));
        betterMetrics = dir.resolve("better.json");
        new ObjectMapper().writeValue(betterMetrics.toFile(), TestBundles.metrics(6.0, 0.45));
    }

    /** Given versions 1 and 2 of la-street published, unsigned, 2 the better and stable. */
    @BeforeEach
    void twoVersions() {
        topic = VersionsTopic.create(stack, 1);
        assertThat(topic.run(new PublishCommand(), "--bundle", bundle.toString(), "--store", store.toString())).isZero();
        assertThat(topic.run(new PublishCommand(), "--bundle", bundle.toString(), "--store", store.toString(),
                "--metrics", betterMetrics.toString())).isZero();
    }

    @Test
    void rollingBackSendsTheVersionAsANewStableActionWithTheNextSequence() {
        ModelVersion first = topic.records().get(0).value();

        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-street", "--to-version", "1")).isZero();

        assertThat(topic.stdout.toString()).contains("rolled back la-street to version 1 (was version 2)",
                "action:   stable, sequence 3, unsigned", first.getArtifactUri(), topic.name + " partition 0, offset 2",
                "now:      stable v1");
        List<ConsumerRecord<String, ModelVersion>> records = topic.records();
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("la-street/1", "la-street/2", "la-street/1");
        ModelVersion rollback = records.get(2).value();
        assertThat(rollback.getSequence()).as("above every sequence on the topic: not a replay").isEqualTo(3);
        assertThat(rollback.getRole()).isEqualTo(RolloutRole.STABLE);
        assertThat(rollback).as("the same version: artifact, sha256, metrics, time")
                .usingRecursiveComparison().ignoringFields("sequence").isEqualTo(first);
    }

    @Test
    void aRollbackIsSignedAnewWithTheSigningKey() throws Exception {
        TestKeys keys = TestKeys.create(store.resolve("keys"));
        for (int signed = 3; signed <= 4; signed++) {
            assertThat(topic.run(new PublishCommand(), "--bundle", bundle.toString(), "--store", store.toString(),
                    "--metrics", betterMetrics.toString(), "--signing-key", keys.signing().toString())).isZero();
        }
        topic.clearOutput();

        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-street", "--to-version", "3",
                "--signing-key", keys.signing().toString())).isZero();

        assertThat(topic.stdout.toString()).contains("rolled back la-street to version 3 (was version 4)",
                "action:   stable, sequence 5, signed");
        assertThat(RolloutSignatures.verify(keys.pair().getPublic(), topic.last())).isTrue();
    }

    @Test
    void withASigningKeyAnUnsignedVersionIsNeverSignedBackIntoService() throws Exception {
        TestKeys keys = TestKeys.create(store.resolve("keys"));

        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-street", "--to-version", "1",
                "--signing-key", keys.signing().toString())).isEqualTo(1);

        assertThat(topic.stderr.toString()).contains("rollback failed: la-street has no version 1 in service on "
                + topic.name + " (none is: nothing is published for it, or all were withdrawn); 2 records of "
                + "la-street on the topic were not acted on");
        assertThat(topic.records()).hasSize(2);
    }

    @Test
    void versionsShowsEachVersionsLastActionAndWhatItDoesNow() {
        topic.run(new RollbackCommand(), "--model-name", "la-street", "--to-version", "1");
        topic.clearOutput();

        assertThat(topic.run(new VersionsCommand(), "--model-name", "la-street")).isZero();

        String listing = topic.stdout.toString();
        assertThat(listing).contains("la-street on " + topic.name + ": 2 versions in service, oldest acted on first; "
                        + "stable v1", "sequence", "last action", "tiny-cnn", "classifier", "geo-smoothing", "40.0%",
                "8.00 km", "45.0%", "6.00 km", TestBundles.DATASET, "Records were not verified");
        List<String> rows = listing.lines().filter(line -> line.matches("\\s+[12]\\s.*")).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).matches("\\s+2\\s+2\\s+stable\\s+no\\s+fallback\\s.*");
        assertThat(rows.get(1)).matches("\\s+1\\s+3\\s+stable\\s+no\\s+stable\\s.*");
    }

    @Test
    void withTheProcessorsKeyVersionsShowsWhatTheyActOnAndListsWhatTheyRefuse() throws Exception {
        TestKeys keys = TestKeys.create(store.resolve("keys"));
        assertThat(topic.run(new PublishCommand(), "--bundle", bundle.toString(), "--store", store.toString(),
                "--metrics", betterMetrics.toString(), "--signing-key", keys.signing().toString())).isZero();
        topic.clearOutput();

        assertThat(topic.run(new VersionsCommand(), "--model-name", "la-street",
                "--verify-key", keys.verify().toString())).isZero();

        String listing = topic.stdout.toString();
        assertThat(listing).contains("1 version in service", "stable v3", "2 records not acted on",
                "version 1, sequence 1: SIGNATURE_INVALID, it is not signed, and actions must be",
                "version 2, sequence 2: SIGNATURE_INVALID", "Verified with --verify-key");
        assertThat(listing.lines().filter(line -> line.matches("\\s+3\\s+3\\s+stable\\s+yes\\s+stable\\s.*")))
                .hasSize(1);
    }

    @Test
    void thePublisherJudgesANewModelAgainstTheVersionRolledBackTo() throws IOException {
        topic.run(new RollbackCommand(), "--model-name", "la-street", "--to-version", "1");
        Path between = Files.createTempFile(store, "between-", ".json");
        new ObjectMapper().writeValue(between.toFile(), TestBundles.metrics(7.0, 0.40)); // worse than v2, better than v1

        assertThat(topic.run(new PublishCommand(), "--bundle", bundle.toString(), "--store", store.toString(),
                "--metrics", between.toString())).isZero();

        assertThat(topic.stdout.toString()).contains("published la-street version 3");
    }

    @Test
    void rollingBackToTheStableVersionSendsNothingSoThatRunningItAgainIsHarmless() {
        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-street", "--to-version", "1")).isZero();

        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-street", "--to-version", "1")).isZero();

        assertThat(topic.stdout.toString()).contains("la-street version 1 is the stable version already; nothing sent");
        assertThat(topic.records()).hasSize(3);
    }

    @Test
    void aVersionNotInServiceFailsAndSaysWhichAre() {
        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-street", "--to-version", "9")).isEqualTo(1);
        assertThat(topic.stderr.toString()).contains("la-street has no version 9 in service on " + topic.name
                + " (in service: [1, 2])");

        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-other", "--to-version", "1")).isEqualTo(1);
        assertThat(topic.stderr.toString()).contains("none is: nothing is published for it, or all were withdrawn");
        assertThat(topic.records()).hasSize(2);
    }

    @Test
    void aMissingTopicFails() {
        VersionsTopic missing = VersionsTopic.missing(stack);

        assertThat(missing.run(new VersionsCommand(), "--model-name", "la-street")).isEqualTo(1);
        assertThat(missing.stderr.toString()).contains("versions failed: Topic " + missing.name + " does not exist");
    }
}
