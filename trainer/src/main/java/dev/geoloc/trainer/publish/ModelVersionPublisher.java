package dev.geoloc.trainer.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

import dev.geoloc.model.BundleException;
import dev.geoloc.model.BundleManifest;
import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.NumericsCheck;
import dev.geoloc.model.NumericsMismatchException;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.VersionSignatures;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.ModelVersion;

/**
 * Publishes a model bundle: checks it, puts its archive in the {@link ModelStore} under the next version
 * number, and sends a {@code ModelVersion} record, keyed {@code <model name>/<version>}, to the model-versions
 * topic.
 *
 * <p>The next version is one more than the highest of the model's versions on the topic and in the store.
 * The topic alone is not enough: a version withdrawn by a tombstone is gone from it once compacted, and a
 * version whose record was never sent (the broker was down) is still taken in the store. So a number is never
 * given out twice.
 *
 * <p>The steps run in an order that leaves nothing half-published: the bundle must compute its reference outputs
 * on this machine ({@link RegionPredictor#load}) and the quality gate judges, before anything
 * is stored; the archive is stored before the record is sent, so a processor never sees a record whose
 * archive is missing. If sending fails, the stored version stays unused and the next publish takes the
 * next number.
 */
public final class ModelVersionPublisher {

    private static final String UNKNOWN_LOSS = "unknown";

    private final ModelStore store;
    private final KafkaSettings kafka;
    private final String topic;
    private final Clock clock;

    public ModelVersionPublisher(ModelStore store, KafkaSettings kafka, String topic, Clock clock) {
        this.store = store;
        this.kafka = kafka;
        this.topic = topic;
        this.clock = clock;
    }

    /**
     * @throws InvalidPublishInputException if the bundle, its metrics or the model name cannot be published
     * @throws IOException                  if the store fails, or already has the version (publish again)
     * @throws KafkaException               if the topic cannot be read or the record cannot be sent
     */
    public PublishResult publish(PublishRequest request) throws IOException, InterruptedException {
        try (ModelBundle bundle = open(request.bundle());
             SpecificAvroSerde<ModelVersion> serde = new SpecificAvroSerde<>()) {
            NumericsCheck numerics = numerics(bundle);
            BundleManifest manifest = bundle.manifest();
            String modelName = modelName(request, manifest);
            EvaluationMetrics metrics = request.metrics() != null ? request.metrics()
                    : EvaluationMetricsReader.fromMap(manifest.metrics(), "the bundle's metrics");
            serde.configure(kafka.serde(), false);

            ModelVersionTopic versions = new ModelVersionTopic(kafka, topic, serde);
            PublishedVersions published = versions.read(modelName);
            GateVerdict verdict = QualityGate.judge(metrics, bundle.catalog().hash(), published.current());
            if (!verdict.passed() && !request.force()) {
                return new PublishResult.Refused(modelName, verdict);
            }
            int version = Math.max(published.highestVersion(), store.highestVersion(modelName)) + 1;
            StoredArtifact artifact = store(bundle, modelName, version);
            ModelVersion record = ModelVersion.newBuilder()
                    .setModelName(modelName)
                    .setVersion(version)
                    .setArtifactUri(artifact.uri().toString())
                    .setSha256(artifact.sha256())
                    .setBackbone(manifest.encoderName())
                    .setHead(manifest.head().type())
                    .setLoss(loss(manifest))
                    .setRegionCatalogHash(bundle.catalog().hash())
                    .setMetrics(metrics)
                    // timestamp-millis: truncated here so that the record sent equals the record read back.
                    .setCreatedTime(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                    .setNotes(request.notes())
                    .setSignature(request.signingKey() == null ? null
                            : VersionSignatures.sign(request.signingKey(), modelName, version, artifact.sha256()))
                    .build();
            RecordMetadata sent = versions.send(record);
            return new PublishResult.Published(record, sent.partition(), sent.offset(), verdict, !verdict.passed(), numerics);
        }
    }

    /**
     * Loads the bundle as a processor would and checks its reference outputs, so a version that this machine
     * computes wrong (or whose reference was computed wrong) is never published from here.
     *
     * @throws NumericsMismatchException when it does not compute its reference outputs here
     */
    private static NumericsCheck numerics(ModelBundle bundle) throws IOException {
        try (RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            return predictor.numerics();
        } catch (BundleException e) {
            throw new InvalidPublishInputException(e.getMessage());
        }
    }

    private static ModelBundle open(Path path) throws IOException {
        try {
            return ModelBundle.open(path);
        } catch (BundleException e) {
            throw new InvalidPublishInputException(e.getMessage());
        }
    }

    private static String modelName(PublishRequest request, BundleManifest manifest) {
        String name = request.modelName() != null ? request.modelName() : manifest.modelName();
        try {
            return ModelStore.checkModelName(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidPublishInputException(e.getMessage());
        }
    }

    private static String loss(BundleManifest manifest) {
        Object loss = manifest.training().get("loss");
        return loss instanceof String text && !text.isBlank() ? text : UNKNOWN_LOSS;
    }

    /**
     * Stores the canonical archive of the bundle, whether it came as a directory or a zip: the same bundle
     * always has the same bytes, and {@code bundle.json} comes first, as readers require.
     */
    private StoredArtifact store(ModelBundle bundle, String modelName, int version) throws IOException {
        Path archive = Files.createTempFile("geoloc-publish-", ".zip");
        try {
            BundleWriter.zip(bundle.directory(), archive);
            return store.put(archive, modelName, version);
        } finally {
            Files.deleteIfExists(archive);
        }
    }
}
