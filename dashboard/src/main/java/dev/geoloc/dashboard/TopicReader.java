package dev.geoloc.dashboard;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.geoloc.contracts.Topics;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.ModelStatus;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RegionPrediction;

/**
 * Reads the answer topics, and the rollout actions on model-versions, as any dashboard should: read_committed (never
 * a prediction from an aborted transaction), in a consumer group of its own, from the end when the group is new. A
 * record it cannot read is skipped, not fatal.
 */
final class TopicReader implements AutoCloseable {

    static final List<String> TOPICS = List.of(Topics.REGION_PREDICTIONS, Topics.DEAD_LETTERS, Topics.MODEL_STATUS,
            Topics.MODEL_VERSIONS);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
    private final LiveFigures figures;
    private final Thread thread;
    private volatile boolean running = true;

    TopicReader(String bootstrapServers, String registryUrl, String group, LiveFigures figures) {
        this.figures = figures;
        serde.configure(Map.of(RegistryClientConfig.URL, registryUrl), false);
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(TOPICS);
        thread = new Thread(this::run, "dashboard-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    take(record);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        Object value;
        try {
            value = record.value() == null ? null : serde.deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            figures.unreadable();
            return;
        }
        if (value instanceof RegionPrediction prediction) {
            figures.prediction(prediction, System.currentTimeMillis());
        } else if (value instanceof DeadLetter letter) {
            figures.deadLetter(letter);
        } else if (value instanceof ModelStatus status) {
            figures.status(status);
        } else if (value instanceof ModelVersion version) {
            figures.published(version);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
