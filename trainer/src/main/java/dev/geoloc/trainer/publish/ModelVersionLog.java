package dev.geoloc.trainer.publish;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.geoloc.schemas.ModelVersion;

/**
 * Reads the model-versions topic from the beginning to its end, as it stands when reading starts. Only
 * committed records count ({@code read_committed}): a record of an aborted transaction was never
 * published.
 */
final class ModelVersionLog {

    private static final Duration POLL = Duration.ofMillis(200);

    private ModelVersionLog() {
    }

    /**
     * @throws UnknownTopicOrPartitionException if the topic does not exist
     * @throws TimeoutException      if the topic cannot be read to its end within the settings' timeout
     */
    static PublishedVersions read(KafkaSettings kafka, String topic, String modelName,
                                  Deserializer<ModelVersion> values) {
        try (KafkaConsumer<String, ModelVersion> consumer =
                     new KafkaConsumer<>(kafka.consumer(), new StringDeserializer(), values)) {
            List<TopicPartition> partitions = partitions(consumer, topic, kafka.timeout());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, kafka.timeout());
            long deadline = System.nanoTime() + kafka.timeout().toNanos();
            ModelVersion current = null;
            int highest = 0;
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Could not read " + topic + " to its end within " + kafka.timeout());
                }
                for (ConsumerRecord<String, ModelVersion> record : consumer.poll(POLL)) {
                    if (!modelName.equals(record.key())) {
                        continue;
                    }
                    current = record.value();
                    if (current != null) {
                        highest = Math.max(highest, current.getVersion());
                    }
                }
            }
            return new PublishedVersions(Optional.ofNullable(current), highest);
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
        if (partitions == null || partitions.isEmpty()) {
            throw new UnknownTopicOrPartitionException("Topic " + topic + " does not exist. Create it first, compacted, as "
                    + "deployment/topics.conf says; publishing does not create it, since a broker would make it "
                    + "with default settings, which delete old versions instead of compacting them.");
        }
        return partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }
}
