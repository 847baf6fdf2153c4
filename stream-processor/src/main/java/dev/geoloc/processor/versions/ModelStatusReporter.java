package dev.geoloc.processor.versions;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.jboss.logging.Logger;

import dev.geoloc.schemas.ModelState;
import dev.geoloc.schemas.ModelStatus;
import dev.geoloc.schemas.ModelVersion;

/** Tells dashboards what this instance did with each version, on the model-status topic. */
final class ModelStatusReporter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ModelStatusReporter.class);

    private final KafkaProducer<byte[], SpecificRecord> producer;
    private final String topic;
    private final String instance;

    ModelStatusReporter(Map<String, Object> settings, Serializer<SpecificRecord> serializer, String topic,
                        String instance) {
        this.producer = new KafkaProducer<>(settings, new ByteArraySerializer(), serializer);
        this.topic = topic;
        this.instance = instance;
    }

    /** Best effort: a status that cannot be sent (registry or broker down) is logged, never thrown. */
    void report(ModelVersion version, ModelState state, String reason, String bundleSha256) {
        report(version, state, reason, bundleSha256, null);
    }

    /** A rejection, with its code. */
    void rejected(ModelVersion version, RejectionKind kind, String reason) {
        report(version, ModelState.REJECTED, reason, null, kind);
    }

    private void report(ModelVersion version, ModelState state, String reason, String bundleSha256, RejectionKind kind) {
        try {
            send(version, state, reason, bundleSha256, kind);
        } catch (RuntimeException e) {
            LOG.warnf("Could not report %s of %s v%d to %s: %s", state, version.getModelName(), version.getVersion(),
                    topic, e.getMessage());
        }
    }

    private void send(ModelVersion version, ModelState state, String reason, String bundleSha256, RejectionKind kind) {
        ModelStatus status = ModelStatus.newBuilder()
                .setModelName(version.getModelName())
                .setVersion(version.getVersion())
                .setInstance(instance)
                .setState(state)
                .setReason(reason)
                .setRejectionCode(kind == null ? null : kind.name())
                .setArtifactUri(version.getArtifactUri())
                .setBundleSha256(bundleSha256)
                .setReportedTime(Instant.now())
                .build();
        producer.send(new ProducerRecord<>(topic, version.getModelName().getBytes(StandardCharsets.UTF_8), status),
                (metadata, error) -> {
                    if (error != null) {
                        LOG.warnf("Could not report %s of %s v%d to %s: %s", state, version.getModelName(),
                                version.getVersion(), topic, error.getMessage());
                    }
                });
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
