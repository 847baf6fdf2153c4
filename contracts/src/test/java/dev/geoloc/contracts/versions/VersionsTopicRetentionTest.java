package dev.geoloc.contracts.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class VersionsTopicRetentionTest {

    @Test
    void aTopicThatDeletesNothingAndCompactsNothingKeepsItsWholeHistory() {
        assertThat(VersionsTopicRetention.risks(Map.of("cleanup.policy", "delete", "retention.ms", "-1",
                "retention.bytes", "-1"))).isEmpty();
    }

    @Test
    void compactionAndEitherRetentionLimitEachTakeRecordsOut() {
        assertThat(VersionsTopicRetention.risks(Map.of("cleanup.policy", "compact", "retention.ms", "-1")))
                .singleElement().asString().startsWith("cleanup.policy=compact: ").contains("tombstone");
        assertThat(VersionsTopicRetention.risks(Map.of("cleanup.policy", "compact, delete", "retention.ms", "-1")))
                .as("compaction beside deletion").singleElement().asString().startsWith("cleanup.policy=");
        assertThat(VersionsTopicRetention.risks(Map.of("retention.ms", "-1", "retention.bytes", "1073741824")))
                .singleElement().asString().startsWith("retention.bytes=1073741824: ");
        assertThat(VersionsTopicRetention.risks(Map.of("retention.ms", "86400000")))
                .singleElement().asString().startsWith("retention.ms=86400000: records older than PT24H are deleted");
    }

    @Test
    void settingsNotGivenAreKafkasDefaultsWhichDeleteAfterAWeek() {
        assertThat(VersionsTopicRetention.risks(Map.of())).singleElement().asString()
                .startsWith("retention.ms=604800000: records older than PT168H");
    }

    @Test
    void aFindingSaysWhatTakesRecordsOutAndHowToStopIt() {
        var atRisk = new VersionsTopicRetention.Finding("model-versions", List.of("cleanup.policy=compact: x"),
                Optional.empty());
        var kept = new VersionsTopicRetention.Finding("model-versions", List.of(), Optional.empty());
        var unknown = new VersionsTopicRetention.Finding("model-versions", List.of(),
                Optional.of("the topic does not exist"));

        assertThat(atRisk.atRisk()).isTrue();
        assertThat(atRisk.describe()).isEqualTo("loses records: cleanup.policy=compact: x. Fix: kafka-configs "
                + "--bootstrap-server <brokers> --alter --entity-type topics --entity-name model-versions "
                + "--add-config cleanup.policy=delete,retention.ms=-1,retention.bytes=-1");
        assertThat(kept.atRisk()).isFalse();
        assertThat(kept.describe()).isEqualTo("append-only, kept forever");
        assertThat(unknown.atRisk()).isFalse();
        assertThat(unknown.describe()).isEqualTo("not checked: the topic does not exist");
    }
}
