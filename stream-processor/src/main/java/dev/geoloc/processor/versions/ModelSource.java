package dev.geoloc.processor.versions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.ObserverMethod;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.jboss.logging.Logger;

import dev.geoloc.contracts.versions.ActionKeys;
import dev.geoloc.contracts.versions.RolloutSignatures;
import dev.geoloc.contracts.versions.VersionsTopicRetention;
import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.numerics.EngineSelfCheck;
import dev.geoloc.numerics.KernelChoice;
import dev.geoloc.numerics.SelfCheckReport;
import dev.geoloc.objectstore.S3Settings;
import dev.geoloc.processor.artifacts.ArtifactFetcher;
import dev.geoloc.processor.config.ProcessorConfig;
import dev.geoloc.processor.serde.AvroSerdes;
import dev.geoloc.schemas.ModelVersion;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.kafka.streams.runtime.KafkaStreamsProducer;
import io.quarkus.runtime.Startup;

/**
 * Where the served model comes from: a fixed bundle ({@code geoloc.model.bundle}), or the versions published
 * for {@code geoloc.model.name}. Either way a first model is loaded and warmed up during start-up, before
 * Kafka Streams starts (this observer runs first), so the processor is never ready without one.
 */
@Startup(ObserverMethod.DEFAULT_PRIORITY - 500)
@ApplicationScoped
public class ModelSource {

    private static final Logger LOG = Logger.getLogger(ModelSource.class);
    private static final Duration RETENTION_CHECK_TIMEOUT = Duration.ofSeconds(10);

    private final ModelHolder holder;
    private final VersionFollower follower;
    private final ModelStatusReporter reporter;
    private final ActionPublisher actions;
    private final SelfCheckReport numerics;
    /** Made for this process when no artifact directory is configured, and removed when it stops. */
    private final Path temporaryDownloads;

    ModelSource(ProcessorConfig config, ModelHolder holder, AvroSerdes serdes, KafkaStreamsProducer streams,
                MeterRegistry registry, RolloutObserver observer)
            throws IOException, InterruptedException {
        this.holder = holder;
        // Before any model: picks the CPU kernel path. A process that computes wrong on every path stops here, saying
        // why, rather than refuse every version until its start-up times out.
        this.numerics = EngineSelfCheck.ensure(KernelChoice.parse(config.cpuKernels()));
        numerics.lines().forEach(line -> LOG.log(numerics.passed() ? Logger.Level.INFO : Logger.Level.ERROR, line));
        if (!numerics.passed()) {
            throw new IllegalStateException("This machine computes models wrong: " + numerics.summary() + ". "
                    + numerics.fix().orElse(""));
        }
        ProcessorConfig.Model model = config.model();
        ProcessorConfig.Images images = config.images();
        PredictorOptions options = new PredictorOptions(model.device(), model.topK(), model.confidenceLevel(), 1,
                new ImageLimits(images.maxBytes(), images.maxPixels(), images.maxSide(), images.acceptTiff()));
        this.temporaryDownloads = model.artifactDirectory().isEmpty() ? Files.createTempDirectory("geoloc-artifacts-")
                : null;
        Path downloads = model.artifactDirectory().orElse(temporaryDownloads);
        ProcessorConfig.Model.S3 s3 = model.s3();
        ModelLoader loader = new ModelLoader(ArtifactFetcher.standard(downloads, model.maxArtifactBytes(),
                model.downloadTimeout(), new S3Settings(s3.endpoint(), s3.region(), s3.pathStyle())), options,
                Math.min(config.batching().maxSize(), 8));
        if (model.bundle().isPresent()) {
            try {
                ServedModel served = loader.open(model.bundle().get(), model.name().orElse(null), model.version(),
                        model.catalogHash());
                holder.swap(ServingSet.of(served));
                LOG.infof("Serving %s from %s on %s (a fixed bundle: published versions are not followed)",
                        served.describe(), model.bundle().get(), served.predictor().device());
            } catch (VersionRejectedException e) {
                throw new IllegalStateException("geoloc.model.bundle " + model.bundle().get() + " cannot be served: "
                        + e.getMessage(), e);
            }
            this.follower = null;
            this.reporter = null;
            this.actions = null;
            return;
        }
        String name = model.name().orElseThrow(() -> new IllegalStateException("Set geoloc.model.name to follow the "
                + "versions published for that model, or geoloc.model.bundle to serve one bundle"));
        ActionKeys keys = actionKeys(model);
        String instance = instanceId();
        Serde<SpecificRecord> statusSerde = serdes.valueSerde();
        Serde<ModelVersion> versionSerde = serdes.valueSerde();
        // The same connection and security settings Kafka Streams has, however they were given.
        StreamsConfig streamsConfig = streams.getStreamsConfig();
        VersionsTopicRetention.Finding retention = checkRetention(
                streamsConfig.getAdminConfigs("geoloc-model-versions-check-" + instance), config.topics().modelVersions());
        Map<String, Object> producer = streamsConfig.getProducerConfigs("geoloc-model-status-" + instance);
        producer.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        this.reporter = new ModelStatusReporter(producer, statusSerde.serializer(), config.topics().modelStatus(),
                instance);
        Map<String, Object> consumer = VersionFollower.consumerSettings(
                streamsConfig.getRestoreConsumerConfigs("geoloc-model-versions-" + instance),
                "geoloc-model-versions-" + instance);
        ModelSwitcher switcher = new ModelSwitcher(name, holder, loader, reporter, model.catalogHash());
        this.follower = new VersionFollower(name, config.topics().modelVersions(), consumer,
                versionSerde.deserializer(), keys, switcher, holder, reporter, registry, model.pinnedVersion(),
                retention);
        Optional<PrivateKey> rollbackKey = config.rollout().rollbackSigningKey().isPresent()
                ? Optional.of(RolloutSignatures.readPrivateKey(config.rollout().rollbackSigningKey().get()))
                : Optional.empty();
        this.actions = rollbackKey.isEmpty() ? null
                : new ActionPublisher(producer, statusSerde.serializer(), config.topics().modelVersions());
        follower.afterReconcile(new CanaryWatch(follower, switcher, observer, reporter, rollbackKey,
                Optional.ofNullable(actions), registry));
        if (model.catalogHash().isEmpty()) {
            LOG.warnf("geoloc.model.catalog-hash is not set: this instance takes the catalog of the first version it"
                    + " serves, so instances started at other times may disagree; set it in production");
        }
        follower.start();
        LOG.infof("Following %s for model %s%s; waiting for a first version", config.topics().modelVersions(), name,
                model.pinnedVersion().map(v -> " (pinned to v" + v + ")").orElse(""));
        follower.awaitFirstModel(model.startupTimeout());
    }

    /**
     * Whether the versions topic keeps every record ({@link VersionsTopicRetention}): a topic created before it was
     * made append-only keeps its own settings, and then instances started later may fold another history. Said, not
     * refused: an upgraded fleet must keep serving while the topic is fixed.
     */
    private static VersionsTopicRetention.Finding checkRetention(Map<String, Object> adminSettings, String topic)
            throws InterruptedException {
        try (Admin admin = Admin.create(adminSettings)) {
            VersionsTopicRetention.Finding finding = VersionsTopicRetention.check(admin, topic, RETENTION_CHECK_TIMEOUT);
            if (finding.atRisk()) {
                LOG.warnf("%s %s. Every instance folds that topic's whole history when it starts, so instances "
                        + "started later may serve another version than the running ones, or none", topic,
                        finding.describe());
            } else if (finding.unchecked().isPresent()) {
                LOG.warnf("Whether %s keeps every record is %s", topic, finding.describe());
            } else {
                LOG.infof("%s: %s", topic, finding.describe());
            }
            return finding;
        }
    }

    /**
     * Who may take rollout actions. Without publishers' keys only when {@code geoloc.model.allow-unsigned} says so:
     * a deployment must not follow unsigned versions because a setting was forgotten.
     */
    private static ActionKeys actionKeys(ProcessorConfig.Model model) throws IOException {
        List<PublicKey> publishers = readKeys(model.signaturePublicKey());
        if (publishers.isEmpty() && !model.allowUnsigned()) {
            throw new IllegalStateException("geoloc.model.signature-public-key is not set: this processor would serve "
                    + "whatever anyone who can write to the model-versions topic publishes. Set it to the publishers' "
                    + "Ed25519 public key (docs/model-versions.md says how to make one), or set "
                    + "geoloc.model.allow-unsigned=true for a local trial");
        }
        if (publishers.isEmpty()) {
            LOG.warnf("geoloc.model.allow-unsigned=true: acting on unsigned rollout records");
            return ActionKeys.UNSIGNED;
        }
        return new ActionKeys(publishers, readKeys(model.rollbackPublicKey()));
    }

    private static List<PublicKey> readKeys(Optional<List<Path>> pems) throws IOException {
        List<PublicKey> keys = new ArrayList<>();
        for (Path pem : pems.orElse(List.of())) {
            keys.add(RolloutSignatures.readPublicKey(pem));
        }
        return keys;
    }

    /** This process's numerics self-check, run before the first model was loaded. */
    public SelfCheckReport numerics() {
        return numerics;
    }

    /** The follower of published versions; empty when a fixed bundle is served. */
    public Optional<VersionFollower> following() {
        return Optional.ofNullable(follower);
    }

    private static String instanceId() {
        return ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    }

    @PreDestroy
    void close() {
        if (follower != null) {
            follower.close();
        }
        holder.clear().forEach(served -> served.predictor().close());
        if (actions != null) {
            actions.close();
        }
        if (reporter != null) {
            reporter.close();
        }
        if (temporaryDownloads != null) {
            try {
                // Empty by now: each copy is deleted once its version has loaded or been refused.
                Files.deleteIfExists(temporaryDownloads);
            } catch (IOException e) {
                LOG.warnf("Could not remove %s: %s", temporaryDownloads, e.getMessage());
            }
        }
    }
}
