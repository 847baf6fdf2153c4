package dev.geoloc.trainer.publish;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a topic from the beginning to its end, as it stands when reading starts, with a {@code read_committed}
 * consumer that joins no group and commits nothing: a record of an aborted transaction was never written, and
 * reading leaves nothing behind on the cluster.
 */
public final class TopicReader {

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaSettings kafka;

    public TopicReader(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    /**
     * Hands every record to {@code each}, partition after partition in offset order within each.
     *
     * @param missing what to say after "Topic T does not exist." when it does not
     * @throws UnknownTopicOrPartitionException if the topic does not exist
     * @throws TimeoutException                 if no record came within the settings' timeout before the end
     */
    public <K, V> void readToEnd(String topic, Deserializer<K> keys, Deserializer<V> values, String missing,
                                 Consumer<ConsumerRecord<K, V>> each) {
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(kafka.consumer("geoloc-trainer"), keys, values)) {
            List<TopicPartition> partitions = partitions(consumer, topic, missing);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, kafka.timeout());
            // A deadline for progress, not for the whole read: a long topic takes as long as it takes.
            long deadline = System.nanoTime() + kafka.timeout().toNanos();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Could not read " + topic + " to its end: nothing came for " + kafka.timeout());
                }
                var records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    deadline = System.nanoTime() + kafka.timeout().toNanos();
                }
                records.forEach(each);
            }
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, String missing) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, kafka.timeout());
        if (partitions == null || partitions.isEmpty()) {
            throw new UnknownTopicOrPartitionException("Topic " + topic + " does not exist. " + missing);
        }
        return partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }
}
