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

import dev.geoloc.schemas.ModelVersion;
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
        bundle = TestBundles.bundle(dir.resolve("la-streets"), "la-streets", TestBundles.metrics(8.0, 0.40));
        betterMetrics = dir.resolve("better.json");
        new ObjectMapper().writeValue(betterMetrics.toFile(), TestBundles.metrics(6.0, 0.45));
    }

    /** Given versions 1 and 2 of la-streets published, 2 the better and the latest. */
    @BeforeEach
    void twoVersions() {
        topic = VersionsTopic.create(stack, 1);
        assertThat(topic.run(new PublishCommand(), "--bundle", bundle.toString(), "--store", store.toString())).isZero();
        assertThat(topic.run(new PublishCommand(), "--bundle", bundle.toString(), "--store", store.toString(),
                "--metrics", betterMetrics.toString())).isZero();
    }

    @Test
    void rollingBackSendsTheOldRecordAgainUnchangedSoThatItIsTheLatest() {
        ModelVersion first = topic.records().get(0).value();

        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-streets", "--to-version", "1")).isZero();

        assertThat(topic.stdout.toString()).contains("rolled back la-streets to version 1 (was version 2)",
                first.getArtifactUri(), topic.name + " partition 0, offset 2");
        List<ConsumerRecord<String, ModelVersion>> records = topic.records();
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("la-streets/1", "la-streets/2", "la-streets/1");
        assertThat(records.get(2).value()).as("same artifact, metrics, time and signature").isEqualTo(first);
    }

    @Test
    void versionsListsThemInPublishOrderWithTheLatestLast() {
        topic.run(new RollbackCommand(), "--model-name", "la-streets", "--to-version", "1");

        assertThat(topic.run(new VersionsCommand(), "--model-name", "la-streets")).isZero();

        String listing = topic.stdout.toString();
        assertThat(listing).contains("la-streets on " + topic.name + ": 2 versions", "tiny-cnn", "classifier",
                "geo-smoothing", "40.0%", "8.00 km", "45.0%", "6.00 km", TestBundles.DATASET);
        List<String> rows = listing.lines().filter(line -> line.matches("\\s+[12]\\s.*")).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).startsWith("        2").doesNotContain("latest");
        assertThat(rows.get(1)).startsWith("        1").contains("<- latest: served unless pinned");
    }

    @Test
    void thePublisherJudgesANewModelAgainstTheVersionRolledBackTo() throws IOException {
        topic.run(new RollbackCommand(), "--model-name", "la-streets", "--to-version", "1");
        Path between = Files.createTempFile(store, "between-", ".json");
        new ObjectMapper().writeValue(between.toFile(), TestBundles.metrics(7.0, 0.40)); // worse than v2, better than v1

        assertThat(topic.run(new PublishCommand(), "--bundle", bundle.toString(), "--store", store.toString(),
                "--metrics", between.toString())).isZero();

        assertThat(topic.stdout.toString()).contains("published la-streets version 3");
    }

    @Test
    void rollingBackToTheLatestSendsNothing() {
        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-streets", "--to-version", "2")).isZero();

        assertThat(topic.stdout.toString()).contains("la-streets version 2 is the latest published already; nothing sent");
        assertThat(topic.records()).hasSize(2);
    }

    @Test
    void aVersionNotOnTheTopicFailsAndSaysWhichAre() {
        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-streets", "--to-version", "9")).isEqualTo(1);
        assertThat(topic.stderr.toString()).contains("la-streets has no version 9 on " + topic.name + " (published: [1, 2])");

        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-other", "--to-version", "1")).isEqualTo(1);
        assertThat(topic.stderr.toString()).contains("nothing is published for it");
        assertThat(topic.records()).hasSize(2);
    }

    @Test
    void aMissingTopicFails() {
        VersionsTopic missing = VersionsTopic.missing(stack);

        assertThat(missing.run(new VersionsCommand(), "--model-name", "la-streets")).isEqualTo(1);
        assertThat(missing.stderr.toString()).contains("versions failed: Topic " + missing.name + " does not exist");
    }
}
