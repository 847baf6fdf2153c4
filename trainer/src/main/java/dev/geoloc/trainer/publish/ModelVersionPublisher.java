package dev.geoloc.trainer.publish;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import org.apache.kafka.common.KafkaException;

import dev.geoloc.contracts.versions.RolloutSignatures;
import dev.geoloc.contracts.versions.RolloutState;
import dev.geoloc.model.BundleException;
import dev.geoloc.model.BundleManifest;
import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.NumericsCheck;
import dev.geoloc.model.NumericsMismatchException;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;

/**
 * Publishes a model bundle: checks it, puts its archive in the {@link ModelStore} under the next version
 * number, and sends a {@code ModelVersion} record, keyed {@code <model name>/<version>}, to the model-versions
 * topic: an action that makes the version stable, or a canary or a shadow beside the stable version, with the
 * model's next sequence.
 *
 * <p>The next version is one more than the highest of the model's versions on the topic and in the store.
 * The topic alone is not enough: a version whose record was never sent (the broker was down) is still taken in the
 * store, and a topic compacted as it once was may have lost records. So a number is never given out twice.
 *
 * <p>The steps run in an order that leaves nothing half-published: the bundle must compute its reference outputs
 * on this machine ({@link RegionPredictor#load}) and the quality gate judges, before anything
 * is stored; the archive is stored before the record is sent, so a processor never sees a record whose
 * archive is missing. If sending fails, or the action would be refused by processors reading with the publisher's
 * keys (a signing key that is not the half of theirs), the stored version stays unused and the next publish takes
 * the next number.
 */
public final class ModelVersionPublisher {

    private static final String UNKNOWN_LOSS = "unknown";

    private final ModelStore store;
    private final KafkaSettings kafka;
    private final String topic;
    private final TopicKeys keys;
    private final Clock clock;

    /**
     * @param keys what processors verify actions with ({@code --verify-key}, or the public half of the signing key);
     *             {@link TopicKeys#UNSIGNED} for none
     */
    public ModelVersionPublisher(ModelStore store, KafkaSettings kafka, String topic, TopicKeys keys, Clock clock) {
        this.store = store;
        this.kafka = kafka;
        this.topic = topic;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * @throws InvalidPublishInputException if the bundle, its metrics or the model name cannot be published, or the
     *                                      role cannot be taken (a canary or a shadow with no stable version)
     * @throws IOException                  if the store fails, or already has the version (publish again)
     * @throws KafkaException               if the topic cannot be read or the record cannot be sent
     * @throws ActionRefusedException       if processors reading with the keys would refuse the action: not sent
     */
    public PublishResult publish(PublishRequest request) throws IOException, InterruptedException {
        if (keys.verified() && request.signingKey() == null) {
            throw new InvalidPublishInputException("--verify-key says processors act on signed versions only: "
                    + "sign this one with --signing-key");
        }
        try (ModelBundle bundle = open(request.bundle());
             SpecificAvroSerde<ModelVersion> serde = new SpecificAvroSerde<>()) {
            NumericsCheck numerics = numerics(bundle);
            BundleManifest manifest = bundle.manifest();
            String modelName = modelName(request, manifest);
            EvaluationMetrics metrics = request.metrics() != null ? request.metrics()
                    : EvaluationMetricsReader.fromMap(manifest.metrics(), "the bundle's metrics");
            serde.configure(kafka.serde(), false);

            ModelVersionTopic versions = new ModelVersionTopic(kafka, topic, serde, keys);
            ModelRollout rollout = versions.read(modelName);
            RolloutState state = rollout.state();
            if (request.role() != RolloutRole.STABLE && state.stable().isEmpty()) {
                throw new InvalidPublishInputException("a " + request.role().name().toLowerCase(Locale.ROOT)
                        + " goes beside the stable version, and " + modelName + " has none on " + topic
                        + ": publish it without --canary or --shadow first");
            }
            GateVerdict verdict = QualityGate.judge(metrics, bundle.catalog().hash(), state.stable());
            if (!verdict.passed() && !request.force()) {
                return new PublishResult.Refused(modelName, verdict);
            }
            int version = Math.max(state.highestVersion(), store.highestVersion(modelName)) + 1;
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
                    .setSequence(state.nextSequence())
                    .setRole(request.role())
                    .setTrafficPercent(request.trafficPercent())
                    .build();
            if (request.signingKey() != null) {
                record = RolloutSignatures.signed(request.signingKey(), record);
            }
            return new PublishResult.Published(versions.act(rollout, record), verdict, !verdict.passed(), numerics);
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
