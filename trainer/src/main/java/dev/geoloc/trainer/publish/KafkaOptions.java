package dev.geoloc.trainer.publish;

import java.io.PrintWriter;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;

import dev.geoloc.contracts.Topics;
import dev.geoloc.contracts.versions.ActionKeys;
import dev.geoloc.contracts.versions.VersionsTopicRetention;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.ModelVersion;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of every command that reads or writes the model-versions topic: where Kafka and the registry are,
 * the topic, and the public keys processors verify its records with, so that the command sees what they act on. A
 * command that signs its action never reads the topic unverified: without {@code --verify-key}, it verifies with
 * the public half of its signing key.
 */
public final class KafkaOptions extends KafkaConnectionOptions {

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = Topics.MODEL_VERSIONS,
            description = "Topic of rollout actions, append-only (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--verify-key", paramLabel = "PEM", split = ",", converter = KeyFiles.Public.class,
            description = "Ed25519 public key (X.509 PEM) processors verify actions with, their "
                    + "geoloc.model.signature-public-key; repeatable. With it, the topic is read as those processors "
                    + "read it: unsigned or wrongly signed records are refused and change nothing. Without it, a "
                    + "command that signs (--signing-key) reads the topic verified with that key's public half, and "
                    + "only a command that does not counts every record, as processors with "
                    + "geoloc.model.allow-unsigned=true do.")
    List<PublicKey> verifyKeys = new ArrayList<>();

    @Option(names = "--rollback-verify-key", paramLabel = "PEM", split = ",",
            converter = KeyFiles.Public.class,
            description = "Public key processors verify withdrawals only with, their geoloc.model.rollback-public-key "
                    + "(their automatic rollbacks of a canary); repeatable, with --verify-key or --signing-key. "
                    + "Without it, a withdrawal of the canary signed by a key the command cannot verify may be such a "
                    + "rollback, and promote or rollback refuses to make that version serve.")
    List<PublicKey> rollbackVerifyKeys = new ArrayList<>();

    /** What a command does with the model-versions topic; returns its exit code. */
    @FunctionalInterface
    interface TopicWork {
        int run(ModelVersionTopic topic) throws InterruptedException;
    }

    /** {@link #onTopic(String, PrivateKey, TopicWork)} for a command that signs nothing. */
    int onTopic(String command, TopicWork work) {
        return onTopic(command, null, work);
    }

    /**
     * Runs {@code work} on the topic these options name, read with {@link #topicKeys their keys}. Kafka's and the
     * registry's failures become exit 1 with {@code <command> failed: <why>} on standard error, and so does an action
     * processors would refuse, which is not sent.
     *
     * @param signingKey what the command signs its action with ({@code --signing-key}), or null
     */
    int onTopic(String command, PrivateKey signingKey, TopicWork work) {
        PrintWriter err = mixee.commandLine().getErr();
        KafkaSettings settings = settings();
        TopicKeys keys = topicKeys(signingKey);
        return run(command, () -> {
            try (SpecificAvroSerde<ModelVersion> serde = new SpecificAvroSerde<>()) {
                serde.configure(settings.serde(), false);
                int exit = work.run(new ModelVersionTopic(settings, topic, serde, keys));
                warnIfTopicLosesRecords(settings);
                return exit;
            } catch (ActionRefusedException e) {
                err.println(command + " failed: " + e.getMessage());
                return 1;
            }
        });
    }

    /**
     * Says on standard error when the topic loses records ({@link VersionsTopicRetention}): processors started later
     * would then fold another history than the one the command read and acted on. Run once the command has read the
     * topic, so that a topic that does not exist, or brokers that do not answer, are said once, by that reading;
     * settings this client may not describe say nothing.
     */
    void warnIfTopicLosesRecords(KafkaSettings settings) throws InterruptedException {
        try (Admin admin = Admin.create(settings.admin("geoloc-trainer"))) {
            VersionsTopicRetention.Finding finding = VersionsTopicRetention.check(admin, topic, settings.timeout());
            if (finding.atRisk()) {
                mixee.commandLine().getErr().println("warning: " + topic + " " + finding.describe() + ". Processors "
                        + "fold its whole history when they start, so those started later may serve otherwise than "
                        + "this command's reading says.");
            }
        } catch (KafkaException e) {
            // A client that cannot even be made says nothing here: the command has done its work and said so.
        }
    }

    /**
     * The keys records are verified with: {@code --verify-key}'s; without it, for a command that signs, the public
     * half of its {@code signingKey}, since a command that signs must never sign anew what it did not verify (an
     * unsigned record anyone could write, naming an artifact of theirs); {@link TopicKeys#UNSIGNED} only for a command
     * that signs nothing. Rollback keys ({@code --rollback-verify-key}) join the publishers' keys.
     *
     * @param signingKey the command's {@code --signing-key}, or null
     * @throws ParameterException if rollback keys come without publishers' keys, or the signing key's public half
     *                            cannot be computed (then {@code --verify-key} is needed)
     */
    TopicKeys topicKeys(PrivateKey signingKey) {
        if (!verifyKeys.isEmpty()) {
            return new TopicKeys(new ActionKeys(verifyKeys, rollbackVerifyKeys), "--verify-key");
        }
        if (signingKey == null) {
            if (!rollbackVerifyKeys.isEmpty()) {
                throw new ParameterException(mixee.commandLine(), "--rollback-verify-key needs --verify-key (or "
                        + "--signing-key): processors verify rollback keys only beside their publishers' keys");
            }
            return TopicKeys.UNSIGNED;
        }
        PublicKey signer;
        try {
            signer = SigningKeyOption.publicHalf(signingKey);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "--signing-key: " + e.getMessage()
                    + "; pass its public half as --verify-key, so that the topic is read verified");
        }
        return new TopicKeys(new ActionKeys(List.of(signer), rollbackVerifyKeys), "the public half of --signing-key");
    }
}
