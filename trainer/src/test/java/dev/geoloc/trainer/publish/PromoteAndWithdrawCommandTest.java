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

import dev.geoloc.contracts.versions.RolloutActions;
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
        assertThat(topic.stderr.toString()).as("the topic is made as topics.conf says").isEmpty();
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
        assertThat(withdrawal).as("a record, with a signature; a tombstone has neither").isNotNull();
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
    void aSigningKeyNeverSignsAnUnsignedCanaryThatAnyoneWithWriteAccessPlanted() throws Exception {
        // Given no canary in service (v2 withdrawn, signed), then an unsigned la-street/9 canary planted on the topic,
        // naming an artifact and sha256 of the writer's choosing, which processors verifying signatures refuse
        assertThat(topic.run(new WithdrawCommand(), "--model-name", "la-street", "--version", "2",
                "--signing-key", keys.signing().toString())).isZero();
        String sha256 = "ab".repeat(32);
        ModelVersion planted = ModelVersion.newBuilder(RolloutActions.of(topic.records().get(0).value(), 4,
                        RolloutRole.CANARY, 50, "unsigned, by anyone who can write to the topic")).setVersion(9)
                .setArtifactUri("https://attacker.example/la-street-9.zip").setSha256(sha256).build();
        topic.send("la-street/9", planted);
        assertThat(topic.run(new VersionsCommand(), "--model-name", "la-street")).isZero();
        assertThat(topic.stdout.toString()).as("read unverified, as the local demo's processors do, it is the canary")
                .contains("stable v1, canary v9 at 50 %");
        topic.clearOutput();

        // When an operator promotes, or rolls back to it, with the signing key but no --verify-key
        int promoted = topic.run(new PromoteCommand(), "--model-name", "la-street", "--signing-key", keys.signing().toString());
        int rolledBack = topic.run(new RollbackCommand(), "--model-name", "la-street", "--to-version", "9",
                "--signing-key", keys.signing().toString());

        // Then the topic is read verified with the signing key's public half: there is no canary, nothing is signed
        assertThat(promoted).isEqualTo(1);
        assertThat(rolledBack).isEqualTo(1);
        assertThat(topic.stderr.toString()).contains("promote failed: la-street has no canary on " + topic.name
                        + " (stable v1); publish one with --canary PERCENT; 1 record of la-street on the topic was not "
                        + "acted on", "rollback failed: la-street has no version 9 in service on " + topic.name
                        + " (in service: [1])");
        List<ConsumerRecord<String, ModelVersion>> records = topic.records();
        assertThat(records).hasSize(4);
        assertThat(records.get(3).value()).isEqualTo(planted);
        assertThat(records.subList(0, 3)).extracting(ConsumerRecord::value)
                .noneMatch(record -> record.getVersion() == 9 || record.getSha256().equals(sha256));
    }

    @Test
    void aCanaryWithdrawalThatNoKeyOfTheCommandVerifiesIsNotUndoneByAPromotion() throws Exception {
        // Given a processor's automatic rollback: v2, the canary, withdrawn and signed with the processors' rollback key
        TestKeys rollback = TestKeys.create(dir.resolve("rollback-keys"));
        ModelVersion canary = topic.records().get(1).value();
        topic.send("la-street/2", RolloutSignatures.signed(rollback.pair().getPrivate(),
                RolloutActions.of(canary, 3, RolloutRole.WITHDRAWN, 0, null)));

        // When promote and rollback read the topic with the signing key, which cannot tell that withdrawal from a forgery
        assertThat(topic.run(new PromoteCommand(), "--model-name", "la-street",
                "--signing-key", keys.signing().toString())).isEqualTo(1);
        assertThat(topic.run(new RollbackCommand(), "--model-name", "la-street", "--to-version", "2",
                "--signing-key", keys.signing().toString(), "--verify-key", keys.verify().toString())).isEqualTo(1);

        // Then neither makes v2 serve again, and each names the option that would settle it
        assertThat(topic.stderr.toString()).contains("promote failed: nothing sent: version 2 was withdrawn at sequence "
                        + "3 by a signature that the public half of --signing-key does not verify", "--rollback-verify-key",
                "rollback failed: nothing sent: version 2 was withdrawn at sequence 3 by a signature that --verify-key "
                        + "does not verify");
        assertThat(topic.records()).hasSize(3);
        topic.clearOutput();

        // And with the processors' rollback key, the trainer sees what they see: v2 is out of service
        assertThat(topic.run(new PromoteCommand(), "--model-name", "la-street", "--signing-key", keys.signing().toString(),
                "--rollback-verify-key", rollback.verify().toString())).isEqualTo(1);
        assertThat(topic.stderr.toString()).contains("promote failed: la-street has no canary on " + topic.name
                + " (stable v1)");
        assertThat(topic.records()).hasSize(3);
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
        assertThat(topic.stderr.toString()).contains("--rollback-verify-key needs --verify-key (or --signing-key)");
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
