package dev.geoloc.processor.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Reads pending records again from the input topic after a task restores its store: their offsets are committed,
 * so Kafka Streams will not deliver them again, but the records themselves are still in the log.
 */
final class InputRereader {

    /**
     * A pending record, and the input record the topic still holds at its offset (empty when the log no longer has
     * it): its key too, which the pending record replaced by a stand-in when it was over the limit, and its value,
     * null for a tombstone.
     */
    record Reread(long sequence, PendingRecord pending, Optional<ConsumerRecord<byte[], byte[]>> input) {
    }

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration GIVE_UP = Duration.ofSeconds(60);

    private InputRereader() {
    }

    /**
     * @param appConfigs Kafka Streams' settings: the consumer is configured as Streams configures its restore
     *                   consumer (connection, security, isolation level for the processing guarantee, overrides)
     * @param pending    by sequence, all of one task (one input partition)
     */
    static List<Reread> reread(Map<String, Object> appConfigs, String clientId, Map<Long, PendingRecord> pending) {
        Set<Long> wanted = new HashSet<>();
        long first = Long.MAX_VALUE;
        long last = -1;
        PendingRecord any = null;
        for (PendingRecord record : pending.values()) {
            wanted.add(record.offset());
            first = Math.min(first, record.offset());
            last = Math.max(last, record.offset());
            any = record;
        }
        TopicPartition partition = new TopicPartition(any.topic(), any.partition());
        Map<Long, ConsumerRecord<byte[], byte[]>> found = new HashMap<>();
        Map<String, Object> config = new StreamsConfig(appConfigs).getRestoreConsumerConfigs(clientId);
        // A pending offset that retention removed: start from the earliest left, and report the gap.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, first);
            // Never past the end: a truncated or recreated log must not stall recovery.
            long stop = Math.min(last + 1, consumer.endOffsets(List.of(partition)).get(partition));
            long deadline = System.nanoTime() + GIVE_UP.toNanos();
            while (consumer.position(partition) < stop) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + partition + " from offset " + first + " to "
                            + last + " within " + GIVE_UP.toSeconds() + " s to recover pending images");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (wanted.contains(record.offset())) {
                        found.put(record.offset(), record);
                    }
                }
            }
        }
        List<Reread> result = new ArrayList<>(pending.size());
        pending.forEach((sequence, record) -> {
            result.add(new Reread(sequence, record, Optional.ofNullable(found.get(record.offset()))));
        });
        return result;
    }
}
