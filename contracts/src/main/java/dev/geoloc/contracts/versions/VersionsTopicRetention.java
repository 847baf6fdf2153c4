package dev.geoloc.contracts.versions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * What the model-versions topic must keep: every record, forever. Every processor folds the topic's whole history
 * when it starts ({@link RolloutState}), so the fold means the same on every instance only while no record leaves
 * the log. Two topic settings take records out:
 * <ul>
 *   <li>compaction: once the broker cleans the log, a record anyone can write (a tombstone, an old record sent
 *       again) removes the signed actions before it under the same key;</li>
 *   <li>a retention limit (by time or size): the oldest records go, the stable version's publication among them.</li>
 * </ul>
 * Either way, instances started later fold another history than the running ones, or none and cannot start.
 * deployment/topics.conf creates the topic right; a topic that existed before keeps its own settings, which this
 * checks, so that processors and the trainer can say so.
 */
public final class VersionsTopicRetention {

    /** What an operator runs to make an existing topic append-only and kept forever. */
    public static String fix(String topic) {
        return "kafka-configs --bootstrap-server <brokers> --alter --entity-type topics --entity-name " + topic
                + " --add-config " + TopicConfig.CLEANUP_POLICY_CONFIG + "=" + TopicConfig.CLEANUP_POLICY_DELETE + ","
                + TopicConfig.RETENTION_MS_CONFIG + "=-1," + TopicConfig.RETENTION_BYTES_CONFIG + "=-1";
    }

    private VersionsTopicRetention() {
    }

    /**
     * What, in a topic's effective settings, takes records out of its history; empty when it keeps them all.
     * A setting that is absent is taken at Kafka's default (delete; 7 days; no size limit), as the broker's own
     * default may differ and only an effective setting (as {@link #check} reads it) tells.
     */
    public static List<String> risks(Map<String, String> configs) {
        List<String> risks = new ArrayList<>();
        String policy = configs.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        if (Arrays.stream(policy.split(",")).map(String::trim).anyMatch(TopicConfig.CLEANUP_POLICY_COMPACT::equals)) {
            risks.add(TopicConfig.CLEANUP_POLICY_CONFIG + "=" + policy + ": once the broker cleans the log, a "
                    + "tombstone or an old record sent again under a version's key removes the signed actions before "
                    + "it");
        }
        long retentionMs = number(configs, TopicConfig.RETENTION_MS_CONFIG, Duration.ofDays(7).toMillis());
        if (retentionMs >= 0) {
            risks.add(TopicConfig.RETENTION_MS_CONFIG + "=" + retentionMs + ": records older than "
                    + Duration.ofMillis(retentionMs) + " are deleted, the stable version's publication among them");
        }
        long retentionBytes = number(configs, TopicConfig.RETENTION_BYTES_CONFIG, -1);
        if (retentionBytes >= 0) {
            risks.add(TopicConfig.RETENTION_BYTES_CONFIG + "=" + retentionBytes + ": the oldest records are deleted "
                    + "once a partition holds more, the stable version's publication among them");
        }
        return List.copyOf(risks);
    }

    private static long number(Map<String, String> configs, String name, long absent) {
        String value = configs.get(name);
        if (value == null) {
            return absent;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return absent;
        }
    }

    /**
     * Reads {@code topic}'s effective settings through {@code admin} and judges them. Never throws for the broker's
     * answer: a topic that does not exist, settings this client may not describe (the DescribeConfigs ACL) or no
     * answer within {@code timeout} come back as {@link Finding#unchecked}.
     */
    public static Finding check(Admin admin, String topic, Duration timeout) throws InterruptedException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            // The call's own timeout too, so that closing the client does not wait out its default of a minute.
            Config config = admin.describeConfigs(List.of(resource),
                            new DescribeConfigsOptions().timeoutMs(Math.toIntExact(timeout.toMillis()))).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            Map<String, String> effective = new HashMap<>();
            for (ConfigEntry entry : config.entries()) {
                if (entry.value() != null) {
                    effective.put(entry.name(), entry.value());
                }
            }
            return new Finding(topic, risks(effective), Optional.empty());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof UnknownTopicOrPartitionException ? "the topic does not exist"
                    : cause instanceof AuthorizationException ? "this client may not describe its settings (it needs "
                    + "the DescribeConfigs permission on the topic)"
                    : "the broker answered " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
            return new Finding(topic, List.of(), Optional.of(why));
        } catch (java.util.concurrent.TimeoutException e) {
            return new Finding(topic, List.of(), Optional.of("no answer from the brokers within " + timeout));
        }
    }

    /**
     * What {@link #check} found.
     *
     * @param risks     what takes records out of the topic's history; empty when it keeps them all, or unchecked
     * @param unchecked why the settings could not be read, if they could not
     */
    public record Finding(String topic, List<String> risks, Optional<String> unchecked) {

        public Finding {
            risks = List.copyOf(risks);
        }

        /** Whether the topic is known to lose records. */
        public boolean atRisk() {
            return !risks.isEmpty();
        }

        /** One line: for logs and health details. */
        public String describe() {
            if (unchecked.isPresent()) {
                return "not checked: " + unchecked.get();
            }
            return risks.isEmpty() ? "append-only, kept forever"
                    : "loses records: " + String.join("; ", risks) + ". Fix: " + fix(topic);
        }
    }
}
