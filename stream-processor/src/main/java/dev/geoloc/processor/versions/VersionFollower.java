package dev.geoloc.processor.versions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.jboss.logging.Logger;

import dev.geoloc.contracts.versions.ActionKeys;
import dev.geoloc.contracts.versions.ModelVersionKey;
import dev.geoloc.contracts.versions.Refusal;
import dev.geoloc.contracts.versions.RolloutState;
import dev.geoloc.contracts.versions.VersionsTopicRetention;
import dev.geoloc.registry.serde.AvroSerdeException;
import dev.geoloc.schemas.ModelVersion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Follows the append-only model-versions topic for one model name, on a thread of its own: folds its records into a
 * {@link RolloutState} (which refuses unsigned, replayed and invalid actions), and once caught up, has the
 * {@link ModelSwitcher} serve the {@link ServingChoice} that state, the pin and this instance's refusals make. A
 * record it cannot read at all is skipped, saying why; one refused is reported on health, metrics and model-status.
 */
public final class VersionFollower implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VersionFollower.class);

    private final String modelName;
    private final String topic;
    private final Map<String, Object> consumerSettings;
    private final Deserializer<ModelVersion> deserializer;
    private final ActionKeys keys;
    private final ModelSwitcher switcher;
    private final ModelHolder holder;
    private final ModelStatusReporter reporter;
    private final MeterRegistry registry;
    private final VersionsTopicRetention.Finding retention;
    private final Thread thread;
    private final Set<String> stoppedCanaries = ConcurrentHashMap.newKeySet();
    private volatile Runnable afterReconcile = () -> { };
    private volatile RolloutState state;
    private volatile Optional<Integer> pinned;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicLong recordsSkipped = new AtomicLong();
    private volatile String lastSkipped;
    private final AtomicLong actionsRefused = new AtomicLong();
    private volatile Refusal lastRefusal;

    VersionFollower(String modelName, String topic, Map<String, Object> consumerSettings,
                    Deserializer<ModelVersion> deserializer, ActionKeys keys, ModelSwitcher switcher, ModelHolder holder,
                    ModelStatusReporter reporter, MeterRegistry registry, Optional<Integer> pinned,
                    VersionsTopicRetention.Finding retention) {
        this.modelName = modelName;
        this.topic = topic;
        this.consumerSettings = consumerSettings;
        this.deserializer = deserializer;
        this.keys = keys;
        this.switcher = switcher;
        this.holder = holder;
        this.reporter = reporter;
        this.registry = registry;
        this.pinned = pinned;
        this.retention = retention;
        this.state = RolloutState.empty(modelName);
        this.thread = new Thread(this::run, "geoloc-model-versions");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Waits until a first version serves. */
    void awaitFirstModel(Duration timeout) throws InterruptedException {
        if (!switcher.awaitFirstModel(timeout.toMillis())) {
            throw new IllegalStateException("No version of model " + modelName + " could be served within " + timeout
                    + " (geoloc.model.startup-timeout): " + (state.versionNumbers().isEmpty()
                    ? "none is published on " + topic : state.describe() + ", versions in service "
                    + state.versionNumbers() + holder.lastRejection()
                            .map(r -> "; v" + r.version() + " was refused: " + r.reason()).orElse("")
                    + Optional.ofNullable(lastRefusal).map(r -> "; a record of v" + r.version() + " was not acted on ("
                            + r.code() + "): " + r.reason()).orElse(""))
                    + (retention.atRisk() ? "; and " + topic + " " + retention.describe() : ""));
        }
    }

    /** Whether {@code version} is in service on the topic (published, not withdrawn), so that it can be pinned. */
    public boolean isPublished(int version) {
        return state.find(version).isPresent();
    }

    /** Serves {@code version} from now on, or, when empty, the latest published again. */
    public void pin(Optional<Integer> version) {
        pinned = version;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup(); // reconcile now, not at the next poll
        }
    }

    /** What it serves, and what the topic says: for the admin endpoint and health details. */
    public Map<String, Object> status() {
        RolloutState rollout = state;
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("model_name", modelName);
        status.put("serving_version", switcher.stable().map(ModelVersion::getVersion).orElse(null));
        holder.serving().flatMap(ServingSet::canary).ifPresent(c -> status.put("canary",
                Map.of("version", c.model().version(), "percent", c.share().percent())));
        holder.serving().flatMap(ServingSet::shadow).ifPresent(s -> status.put("shadow_version", s.version()));
        status.put("pinned_version", pinned.orElse(null));
        status.put("rollout", rollout.describe());
        status.put("versions_topic", retention.describe());
        status.put("latest_published_version", rollout.stable().map(ModelVersion::getVersion).orElse(null));
        status.put("versions_published", rollout.versionNumbers());
        status.put("versions_refused", rollout.history().stream().filter(switcher::hasRefused)
                .map(ModelVersion::getVersion).sorted().toList());
        status.put("canaries_stopped_here", List.copyOf(stoppedCanaries));
        status.put("records_skipped", recordsSkipped.get());
        if (lastSkipped != null) {
            status.put("last_skipped_record", lastSkipped);
        }
        status.put("actions_refused", actionsRefused.get());
        Refusal refusal = lastRefusal;
        if (refusal != null) {
            status.put("last_refused_action", Map.of("version", refusal.version(), "sequence", refusal.sequence(),
                    "code", refusal.code().name(), "reason", refusal.reason()));
        }
        holder.lastRejection().ifPresent(r -> status.put("last_rejection", Map.of("version", r.version(),
                "code", r.kind().name(), "reason", r.reason())));
        return status;
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    private void run() {
        LoadPriority.lowerForThisThread();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerSettings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = partitions(c);
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            boolean caughtUp = false;
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : c.poll(Duration.ofMillis(200))) {
                        if (!take(record)) {
                            c.seek(new TopicPartition(record.topic(), record.partition()), record.offset());
                            pause(1000);
                            break;
                        }
                    }
                    caughtUp = caughtUp || partitions.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
                } catch (WakeupException e) {
                    // a pin changed, or close(): look again below
                } catch (org.apache.kafka.common.errors.RetriableException e) {
                    LOG.warnf("Reading %s: %s; trying again", topic, e.getMessage());
                    pause(1000);
                }
                if (caughtUp && running) {
                    reconcile();
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Following " + topic + " failed; the processor keeps its current model but follows no more", e);
        } finally {
            consumer = null;
        }
    }

    /** Waits for the topic to exist: the processor may start before anything was ever published. */
    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
        while (running) {
            try {
                List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                LOG.warnf("Topic %s does not exist yet; waiting for it (create it append-only, as deployment/topics.conf says)", topic);
            } catch (WakeupException e) {
                // a pin changed while waiting: nothing to reconcile yet
            } catch (org.apache.kafka.common.errors.RetriableException e) {
                LOG.warnf("Kafka does not answer about %s: %s; trying again", topic, e.getMessage());
            }
            pause(2000);
        }
        return List.of();
    }

    /** @return false when the record could not be read yet (the registry is down) and must be read again */
    private boolean take(ConsumerRecord<byte[], byte[]> record) {
        Optional<ModelVersionKey> key = Optional.ofNullable(record.key())
                .flatMap(k -> ModelVersionKey.parse(new String(k, StandardCharsets.UTF_8)));
        if (key.isEmpty() || !key.get().modelName().equals(modelName)) {
            return true; // another model's, or not a version at all
        }
        ModelVersion version = null;
        if (record.value() != null) {
            try {
                version = deserializer.deserialize(record.topic(), record.value());
            } catch (AvroSerdeException e) {
                if (e.reason() == AvroSerdeException.Reason.REGISTRY_UNAVAILABLE) {
                    LOG.warnf("The registry cannot be reached to read %s-%d@%d; trying again", record.topic(),
                            record.partition(), record.offset());
                    return false;
                }
                return skip(record, "unreadable: " + e.getMessage());
            } catch (RuntimeException e) {
                // Another generated type under a version's key (a ModelStatus, written to the wrong topic), or a class
                // Avro refuses: skipped, or the follower would end here at every start, on every replica.
                return skip(record, "not a ModelVersion: " + e);
            }
        }
        RolloutState before = state;
        RolloutState.Step step = before.apply(key.get(), version, keys);
        state = step.state();
        step.refusal().ifPresent(refusal -> refused(refusal, before, record));
        return true;
    }

    /** A record not acted on: said in the log, on model-status, in the metrics and in {@link #status()}. */
    private void refused(Refusal refusal, RolloutState before, ConsumerRecord<byte[], byte[]> record) {
        LOG.warnf("Not acting on %s-%d@%d, about %s v%d: %s (%s); %s", record.topic(), record.partition(),
                record.offset(), modelName, refusal.version(), refusal.reason(), refusal.code(), before.describe());
        lastRefusal = refusal;
        actionsRefused.incrementAndGet();
        Counter.builder("geoloc.rollout.refusals").tag("code", refusal.code().name())
                .description("Records of model-versions not acted on, by why").register(registry).increment();
        reporter.refusedAction(modelName, refusal, before.find(refusal.version()));
    }

    /** @return true: the record is passed over for good, and said so in the log and in {@link #status()} */
    private boolean skip(ConsumerRecord<byte[], byte[]> record, String why) {
        String skipped = record.topic() + "-" + record.partition() + "@" + record.offset() + ": " + why;
        LOG.warnf("Skipping %s", skipped);
        lastSkipped = skipped;
        recordsSkipped.incrementAndGet();
        return true;
    }

    private void reconcile() {
        switcher.apply(ServingChoice.of(state, pinned, switcher::serveable, switcher.stable(), stoppedCanaries));
        afterReconcile.run();
    }

    /** Runs {@code check} on the follower's thread after each reconciliation: where a canary is judged. */
    void afterReconcile(Runnable check) {
        afterReconcile = check;
    }

    /** Stops routing to {@code canary} on this instance, whatever the topic says, until the instance restarts. */
    void stopCanary(ModelVersion canary) {
        stoppedCanaries.add(ServingChoice.identity(canary));
    }

    /** The topic's state as folded so far. */
    RolloutState state() {
        return state;
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Refused for good on this instance (not merely waiting to be tried again). */
    public boolean hasRefused(int version) {
        return state.find(version).map(switcher::hasRefused).orElse(false);
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Map<String, Object> consumerSettings(Map<String, Object> base, String clientId) {
        Map<String, Object> settings = new java.util.HashMap<>(base);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Never create model-versions by reading it: it must be append-only, with unlimited retention.
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return settings;
    }
}
