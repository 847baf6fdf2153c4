package dev.geoloc.trainer.publish;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import dev.geoloc.model.ModelVersionKey;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.ModelVersion;

/**
 * The model-versions topic as the trainer uses it: reading one model's history, and sending a version's record
 * under its {@link ModelVersionKey}, in the partition of its model name, so that one model's records keep the
 * order they were published in.
 */
final class ModelVersionTopic {

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaSettings kafka;
    private final String topic;
    private final SpecificAvroSerde<ModelVersion> serde;

    /** @param serde configured for values; its owner closes it */
    ModelVersionTopic(KafkaSettings kafka, String topic, SpecificAvroSerde<ModelVersion> serde) {
        this.kafka = kafka;
        this.topic = topic;
        this.serde = serde;
    }

    String name() {
        return topic;
    }

    /**
     * Reads the topic from the beginning to its end, as it stands when reading starts. Only committed records
     * count ({@code read_committed}): a record of an aborted transaction was never published.
     *
     * @throws UnknownTopicOrPartitionException if the topic does not exist
     * @throws TimeoutException                 if the topic cannot be read to its end within the settings' timeout
     */
    PublishedVersions read(String modelName) {
        try (KafkaConsumer<String, ModelVersion> consumer =
                     new KafkaConsumer<>(kafka.consumer(), new StringDeserializer(), serde.deserializer())) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, kafka.timeout());
            long deadline = System.nanoTime() + kafka.timeout().toNanos();
            PublishedVersions versions = PublishedVersions.none();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("Could not read " + topic + " to its end within " + kafka.timeout());
                }
                for (ConsumerRecord<String, ModelVersion> record : consumer.poll(POLL)) {
                    var key = ModelVersionKey.parse(record.key()).filter(k -> k.modelName().equals(modelName));
                    if (key.isPresent()) {
                        versions = versions.with(key.get(), record.value());
                    }
                }
            }
            return versions;
        }
    }

    /** Sends {@code record} and waits for every in-sync replica to have it. */
    RecordMetadata send(ModelVersion record) throws InterruptedException {
        ModelVersionKey key = new ModelVersionKey(record.getModelName(), record.getVersion());
        try (KafkaProducer<String, ModelVersion> producer =
                     new KafkaProducer<>(kafka.producer(), new StringSerializer(), serde.serializer())) {
            int partitions = producer.partitionsFor(topic).size();
            // Where Kafka's default partitioner would put the model name as a key: every version of one model
            // in one partition, whatever its key.
            int partition = Utils.toPositive(Utils.murmur2(Utils.utf8(key.modelName()))) % partitions;
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, partition, key.toString(), record))
                    .get(kafka.timeout().toMillis(), TimeUnit.MILLISECONDS);
            producer.flush();
            return sent;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k
                    : new KafkaException("Could not send version " + record.getVersion() + " to " + topic, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("No acknowledgement for version " + record.getVersion() + " from " + topic
                    + " within " + kafka.timeout(), e);
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, kafka.timeout());
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
