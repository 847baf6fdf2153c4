package dev.geoloc.trainer.publish;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How to reach Kafka and the schema registry.
 *
 * @param clientConfig further client settings (TLS, SASL, registry credentials, ...), given to the producer,
 *                     the consumer and the serde alike, as Confluent's clients take one file for all three
 * @param timeout      how long any one step (reading the topic, sending the record) may take
 */
public record KafkaSettings(String bootstrapServers, String schemaRegistryUrl, Map<String, String> clientConfig,
                            Duration timeout) {

    public KafkaSettings {
        clientConfig = Map.copyOf(clientConfig);
    }

    /** For the registry serde: values of every topic the trainer reads or writes. */
    public Map<String, Object> serde() {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put("schema.registry.url", schemaRegistryUrl);
        return config;
    }

    /** An idempotent producer's settings, acknowledged by every in-sync replica, as {@code clientId}. */
    public Map<String, Object> producer(String clientId) {
        Map<String, Object> config = new HashMap<>();
        int millis = Math.toIntExact(timeout.toMillis());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis / 2);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.putAll(clientConfig);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // Not negotiable: a record is acknowledged only once every in-sync replica has it, exactly once.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return config;
    }

    /** A read_committed consumer's settings that joins no group and commits nothing, as {@code clientId}. */
    public Map<String, Object> consumer(String clientId) {
        Map<String, Object> config = withTimeout(clientId);
        // Reads partitions by assignment, commits nothing: the trainer leaves no consumer group behind.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A missing topic is reported, not created with the broker's defaults (records deleted after a week).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return config;
    }

    /** An admin client's settings, as {@code clientId}: for reading a topic's own settings. */
    public Map<String, Object> admin(String clientId) {
        return withTimeout(clientId);
    }

    /**
     * A consumer's or an admin client's common settings: the timeout as its default for every call, unless the
     * further settings give another, then those, then where the brokers are and who asks.
     */
    private Map<String, Object> withTimeout(String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, Math.toIntExact(timeout.toMillis()));
        config.putAll(clientConfig);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return config;
    }
}
