package dev.geoloc.trainer.publish;

import java.io.PrintWriter;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import dev.geoloc.contracts.Topics;
import dev.geoloc.contracts.versions.ActionKeys;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.ModelVersion;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of every command that reads or writes the model-versions topic: where Kafka and the registry are,
 * the topic, and the public keys processors verify its records with, so that the command sees what they act on.
 */
public final class KafkaOptions extends KafkaConnectionOptions {

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = Topics.MODEL_VERSIONS,
            description = "Topic of model versions, compacted (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--verify-key", paramLabel = "PEM", split = ",", converter = KeyFiles.Public.class,
            description = "Ed25519 public key (X.509 PEM) processors verify actions with, their "
                    + "geoloc.model.signature-public-key; repeatable. With it, the topic is read as those processors "
                    + "read it: unsigned or wrongly signed records are refused and change nothing. Without it, every "
                    + "record counts, as for processors with geoloc.model.allow-unsigned=true.")
    List<PublicKey> verifyKeys = new ArrayList<>();

    @Option(names = "--rollback-verify-key", paramLabel = "PEM", split = ",",
            converter = KeyFiles.Public.class,
            description = "Public key processors verify withdrawals only with, their geoloc.model.rollback-public-key "
                    + "(their automatic rollbacks); repeatable, with --verify-key.")
    List<PublicKey> rollbackVerifyKeys = new ArrayList<>();

    /** What a command does with the model-versions topic; returns its exit code. */
    @FunctionalInterface
    interface TopicWork {
        int run(ModelVersionTopic topic) throws InterruptedException;
    }

    /**
     * Runs {@code work} on the topic these options name, read with their keys. Kafka's and the registry's failures
     * become exit 1 with {@code <command> failed: <why>} on standard error, and so does an action processors would
     * refuse, which is not sent.
     */
    int onTopic(String command, TopicWork work) {
        PrintWriter err = mixee.commandLine().getErr();
        KafkaSettings settings = settings();
        ActionKeys keys = actionKeys();
        return run(command, () -> {
            try (SpecificAvroSerde<ModelVersion> serde = new SpecificAvroSerde<>()) {
                serde.configure(settings.serde(), false);
                return work.run(new ModelVersionTopic(settings, topic, serde, keys));
            } catch (ActionRefusedException e) {
                err.println(command + " failed: " + e.getMessage());
                return 1;
            }
        });
    }

    /**
     * The keys records are verified with: {@link ActionKeys#UNSIGNED} without {@code --verify-key}.
     *
     * @throws ParameterException if rollback keys come without publishers' keys
     */
    ActionKeys actionKeys() {
        if (verifyKeys.isEmpty() && !rollbackVerifyKeys.isEmpty()) {
            throw new ParameterException(mixee.commandLine(), "--rollback-verify-key needs --verify-key: "
                    + "processors verify rollback keys only beside their publishers' keys");
        }
        return new ActionKeys(verifyKeys, rollbackVerifyKeys);
    }
}
