package dev.geoloc.processor.versions;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.jboss.logging.Logger;

import dev.geoloc.contracts.versions.ModelVersionKey;
import dev.geoloc.schemas.ModelVersion;

/**
 * Sends a rollout action this instance took (a canary's withdrawal) to the model-versions topic, under the
 * version's key and in its model's partition, as the trainer does. Best effort: every instance stops routing to the
 * canary on its own judgement anyway.
 */
final class ActionPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ActionPublisher.class);

    private final KafkaProducer<byte[], SpecificRecord> producer;
    private final String topic;

    ActionPublisher(Map<String, Object> settings, Serializer<SpecificRecord> serializer, String topic) {
        this.producer = new KafkaProducer<>(settings, new ByteArraySerializer(), serializer);
        this.topic = topic;
    }

    void send(ModelVersion action) {
        ModelVersionKey key = new ModelVersionKey(action.getModelName(), action.getVersion());
        try {
            int partition = key.partition(producer.partitionsFor(topic).size());
            producer.send(new ProducerRecord<>(topic, partition, key.toString().getBytes(StandardCharsets.UTF_8), action),
                    (metadata, error) -> {
                        if (error != null) {
                            LOG.warnf("Could not publish the %s of %s to %s: %s", action.getRole(), key, topic,
                                    error.getMessage());
                        }
                    });
            producer.flush();
            LOG.infof("Published the %s of %s (sequence %d) to %s", action.getRole(), key, action.getSequence(), topic);
        } catch (RuntimeException e) {
            LOG.warnf("Could not publish the %s of %s to %s: %s", action.getRole(), key, topic, e.getMessage());
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
