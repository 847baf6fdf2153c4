package dev.geoloc.processor.versions;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.jboss.logging.Logger;

import dev.geoloc.contracts.versions.Refusal;
import dev.geoloc.processor.artifacts.ArtifactUris;
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
        report(version.getModelName(), version.getVersion(), version.getArtifactUri(), state, reason, bundleSha256, null);
    }

    /** A rejection, with its code. */
    void rejected(ModelVersion version, RejectionKind kind, String reason) {
        report(version.getModelName(), version.getVersion(), version.getArtifactUri(), ModelState.REJECTED, reason, null,
                kind.name());
    }

    /** A record not acted on; {@code known} is what the version's last record acted on said, if any. */
    void refusedAction(String modelName, Refusal refusal, Optional<ModelVersion> known) {
        report(modelName, refusal.version(), known.map(ModelVersion::getArtifactUri).orElse(""),
                ModelState.ACTION_REFUSED, refusal.reason(), null, refusal.code().name());
    }

    private void report(String modelName, int version, String artifactUri, ModelState state, String reason,
                        String bundleSha256, String code) {
        ModelStatus status = ModelStatus.newBuilder()
                .setModelName(modelName)
                .setVersion(version)
                .setInstance(instance)
                .setState(state)
                .setReason(reason)
                .setRejectionCode(code)
                // As messages show it: a pre-signed link's query is a credential, and model-status is read widely.
                .setArtifactUri(artifactUri.isEmpty() ? "" : ArtifactUris.shown(artifactUri))
                .setBundleSha256(bundleSha256)
                .setReportedTime(Instant.now())
                .build();
        try {
            producer.send(new ProducerRecord<>(topic, modelName.getBytes(StandardCharsets.UTF_8), status),
                    (metadata, error) -> {
                        if (error != null) {
                            LOG.warnf("Could not report %s of %s v%d to %s: %s", state, modelName, version, topic,
                                    error.getMessage());
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warnf("Could not report %s of %s v%d to %s: %s", state, modelName, version, topic, e.getMessage());
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
