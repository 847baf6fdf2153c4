package dev.geoloc.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.contracts.versions.RolloutSignatures;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.StreamingStackExtension;
import dev.geoloc.trainer.TrainerCommand;
import picocli.CommandLine;

/** {@code promote} and {@code withdraw} against a real broker and registry, on signed versions {@code publish} made. */
@ExtendWith(StreamingStackExtension.class)
class PromoteAndWithdrawCommandTest {

    private static Path bundle;

    private final StreamingStack stack;
    @TempDir
    Path dir;
    private TestKeys keys;
    private VersionsTopic topic;

    PromoteAndWithdrawCommandTest(StreamingStack stack) {
        this.stack = stack;
    }

    @BeforeAll
    static void bundle(@TempDir Path dir) throws IOException {
        bundle = TestBundles.bundle(dir.resolve("la-street"), "la-street", TestBundles.metrics(8.0, 0.40));
    }

    /** Given la-street v1 stable and v2 a 20 % canary, both signed. */
    @BeforeEach
    void stableAndCanary() throws Exception {
        keys = TestKeys.create(dir.resolve("keys"));
        topic = VersionsTopic.create(stack, 1);
        assertThat(publish()).isZero();
        assertThat(publish("--canary", "20")).isZero();
        topic.clearOutput();
    }

    @Test
    void promoteMakesTheCanaryStableWithANewSignedAction() {
        assertThat(topic.run(new PromoteCommand(), "--model-name", "la-street", "--signing-key", keys.signing().toString(),
                "--verify-key", keys.verify().toString())).isZero();

        assertThat(topic.stdout.toString()).contains(
                "promoted la-street version 2 from canary at 20 % to stable (stable before: version 1)",
                "action:   stable, sequence 3, signed", "now:      stable v2");
        ModelVersion promoted = topic.last();
        assertThat(promoted.getVersion()).isEqualTo(2);
        assertThat(promoted.getRole()).isEqualTo(RolloutRole.STABLE);
        assertThat(promoted.getTrafficPercent()).isZero();
        assertThat(promoted.getSequence()).isEqualTo(3);
        assertThat(RolloutSignatures.verify(keys.pair().getPublic(), promoted)).isTrue();
    }

    @Test
    void promoteWithoutACanaryFailsAndSendsNothing() {
        topic.run(new PromoteCommand(), "--model-name", "la-street", "--signing-key", keys.signing().toString());

        assertThat(topic.run(new PromoteCommand(), "--model-name", "la-street")).isEqualTo(1);
        assertThat(topic.stderr.toString()).contains("promote failed: la-street has no canary on " + topic.name
                + " (stable v2); publish one with --canary PERCENT");
        assertThat(topic.run(new PromoteCommand(), "--model-name", "la-street", "--shadow")).isEqualTo(1);
        assertThat(topic.stderr.toString()).contains("la-street has no shadow");
        assertThat(topic.records()).hasSize(3);
    }

    @Test
    void promoteShadowMakesTheShadowStableAndEndsTheCanary() {
        assertThat(publish("--shadow")).isZero();

        assertThat(topic.run(new PromoteCommand(), "--model-name", "la-street", "--shadow",
                "--signing-key", keys.signing().toString())).isZero();

        assertThat(topic.stdout.toString()).contains("promoted la-street version 3 from shadow to stable",
                "action:   stable, sequence 4, signed", "now:      stable v3");
    }

    @Test
    void withdrawSendsASignedWithdrawnRecordNotATombstone() {
        assertThat(topic.run(new WithdrawCommand(), "--model-name", "la-street", "--version", "2",
                "--signing-key", keys.signing().toString())).isZero();

        assertThat(topic.stdout.toString()).contains("withdrew la-street version 2 (was canary at 20 %)",
                "action:   withdrawn, sequence 3, signed", "now:      stable v1");
        List<ConsumerRecord<String, ModelVersion>> records = topic.records();
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("la-street/1", "la-street/2", "la-street/2");
        ModelVersion withdrawal = records.get(2).value();
        assertThat(withdrawal).as("a record compaction keeps, with a signature; a tombstone has neither").isNotNull();
        assertThat(withdrawal.getRole()).isEqualTo(RolloutRole.WITHDRAWN);
        assertThat(withdrawal.getSequence()).isEqualTo(3);
        assertThat(RolloutSignatures.verify(keys.pair().getPublic(), withdrawal)).isTrue();

        assertThat(topic.run(new WithdrawCommand(), "--model-name", "la-street", "--version", "2")).isEqualTo(1);
        assertThat(topic.stderr.toString()).contains("withdraw failed: la-street has no version 2 in service on "
                + topic.name + " (in service: [1])");
        assertThat(topic.records()).hasSize(3);
    }

    @Test
    void anUnsignedActionThatProcessorsWouldRefuseIsNotSent() {
        assertThat(topic.run(new PromoteCommand(), "--model-name", "la-street",
                "--verify-key", keys.verify().toString())).isEqualTo(1);

        assertThat(topic.stderr.toString()).contains("promote failed: nothing sent: processors verifying with "
                + "--verify-key would refuse version 2's action (SIGNATURE_INVALID)", "sign it with --signing-key");
        assertThat(topic.records()).hasSize(2);
    }

    @Test
    void versionsWithTheProcessorsKeyListsAnUnsignedWithdrawalAsRefused() {
        assertThat(topic.run(new WithdrawCommand(), "--model-name", "la-street", "--version", "2")).isZero();
        topic.clearOutput();

        assertThat(topic.run(new VersionsCommand(), "--model-name", "la-street")).isZero();
        assertThat(topic.stdout.toString()).contains("1 version in service", "stable v1", "Records were not verified")
                .doesNotContain("canary");
        topic.clearOutput();

        assertThat(topic.run(new VersionsCommand(), "--model-name", "la-street",
                "--verify-key", keys.verify().toString())).isZero();
        assertThat(topic.stdout.toString()).contains("2 versions in service", "stable v1, canary v2 at 20 %",
                "1 record not acted on", "version 2, sequence 3: SIGNATURE_INVALID, it is not signed");
    }

    @Test
    void versionsAsJsonIsOneDocumentWithEveryVersionAndRefusal() throws Exception {
        // Given an unsigned withdrawal that processors verifying signatures refuse
        assertThat(topic.run(new WithdrawCommand(), "--model-name", "la-street", "--version", "2")).isZero();
        topic.clearOutput();

        // When versions is asked for JSON, as the processors with the key see it
        assertThat(topic.run(new VersionsCommand(), "--model-name", "la-street", "--verify-key", keys.verify().toString(),
                "--output", "json")).isZero();

        // Then standard output parses whole, with both versions and the refused record
        JsonNode json = new ObjectMapper().readTree(topic.stdout.toString());
        assertThat(json.at("/model_name").asText()).isEqualTo("la-street");
        assertThat(json.at("/verified").asBoolean()).isTrue();
        assertThat(json.at("/serving").asText()).contains("stable v1, canary v2 at 20 %");
        assertThat(json.at("/versions").size()).isEqualTo(2);
        assertThat(json.at("/versions/0/version").asInt()).isEqualTo(1);
        assertThat(json.at("/versions/0/now").asText()).isEqualTo("stable");
        assertThat(json.at("/versions/0/signed").asBoolean()).isTrue();
        assertThat(json.at("/versions/0/accuracy").asDouble()).isCloseTo(0.40, within(1e-6));
        assertThat(json.at("/refused/0/code").asText()).isEqualTo("SIGNATURE_INVALID");
        assertThat(json.at("/refused/0/version").asInt()).isEqualTo(2);
    }

    @Test
    void aKeyFileWithoutTheRightKeyIsWrongUsage() {
        assertThat(topic.run(new PromoteCommand(), "--model-name", "la-street",
                "--signing-key", keys.verify().toString())).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("Invalid value for option '--signing-key'",
                "holds no '-----BEGIN PRIVATE KEY-----' block");

        assertThat(topic.run(new VersionsCommand(), "--model-name", "la-street",
                "--verify-key", dir.resolve("missing.pem").toString())).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("Invalid value for option '--verify-key'", "missing.pem does not exist");

        assertThat(topic.run(new VersionsCommand(), "--model-name", "la-street",
                "--rollback-verify-key", keys.verify().toString())).isEqualTo(2);
        assertThat(topic.stderr.toString()).contains("--rollback-verify-key needs --verify-key");
        assertThat(topic.records()).hasSize(2);
    }

    @Test
    void areSubcommandsOfTheTrainerWithHelp() {
        CommandLine trainer = TrainerCommand.commandLine();
        trainer.setOut(new PrintWriter(topic.stdout));
        assertThat(trainer.execute("promote", "--help")).isZero();
        assertThat(trainer.execute("withdraw", "--help")).isZero();
        assertThat(topic.stdout.toString()).contains("--model-name", "--shadow", "--version", "--signing-key",
                "--verify-key", "Exit codes:", "Never a tombstone");
    }

    private int publish(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--bundle", bundle.toString(), "--store",
                dir.resolve("store").toString(), "--signing-key", keys.signing().toString()));
        all.addAll(List.of(args));
        return topic.run(new PublishCommand(), all.toArray(String[]::new));
    }
}
