package dev.geoloc.processor.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads pending records again from the input topic after a task restores its store: their offsets are committed,
 * so Kafka Streams will not deliver them again, but the records themselves are still in the log.
 */
final class InputRereader {

    /** A pending record, and its key and value as the input topic still holds them (empty when retention removed it). */
    record Reread(long sequence, PendingRecord pending, Optional<ConsumerRecord<byte[], byte[]>> record) {
    }

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration GIVE_UP = Duration.ofSeconds(60);

    private InputRereader() {
    }

    /**
     * @param appConfigs Kafka Streams' own settings: the consumer gets their connection and security settings,
     *                   {@code consumer.}-prefixed overrides included
     * @param pending    by sequence, all of one task (one input partition)
     */
    static List<Reread> reread(Map<String, Object> appConfigs, String clientId, Map<Long, PendingRecord> pending) {
        List<Map.Entry<Long, PendingRecord>> wanted = new ArrayList<>(pending.entrySet());
        wanted.sort(Comparator.comparingLong(entry -> entry.getValue().offset()));
        PendingRecord first = wanted.get(0).getValue();
        long last = wanted.get(wanted.size() - 1).getValue().offset();
        Map<Long, ConsumerRecord<byte[], byte[]>> found = new HashMap<>();
        TopicPartition partition = new TopicPartition(first.topic(), first.partition());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(appConfigs, clientId),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, first.offset());
            long deadline = System.nanoTime() + GIVE_UP.toNanos();
            long position = first.offset();
            while (position <= last) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + partition + " from offset " + first.offset()
                            + " to " + last + " within " + GIVE_UP.toSeconds() + " s to recover pending images");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    found.put(record.offset(), record);
                }
                position = consumer.position(partition);
            }
        }
        List<Reread> result = new ArrayList<>(wanted.size());
        for (Map.Entry<Long, PendingRecord> entry : pending.entrySet()) {
            result.add(new Reread(entry.getKey(), entry.getValue(),
                    Optional.ofNullable(found.get(entry.getValue().offset()))));
        }
        return result;
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> appConfigs, String clientId) {
        Map<String, Object> config = new HashMap<>();
        appConfigs.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        appConfigs.forEach((key, value) -> {
            if (key.startsWith("consumer.") && ConsumerConfig.configNames().contains(key.substring(9))) {
                config.put(key.substring(9), value);
            }
        });
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A pending offset that retention has removed: start from the earliest left, and report the gap.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }
}
