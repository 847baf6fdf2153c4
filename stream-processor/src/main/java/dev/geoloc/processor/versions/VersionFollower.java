package dev.geoloc.processor.versions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

import dev.geoloc.model.ModelVersionKey;
import dev.geoloc.processor.artifacts.ArtifactUris;
import dev.geoloc.registry.serde.AvroSerdeException;
import dev.geoloc.schemas.ModelState;
import dev.geoloc.schemas.ModelVersion;

/**
 * Follows the compacted model-versions topic for one model name, on a thread of its own, and keeps the holder
 * serving the right version: the pinned one if a pin is set, else the one published last (so publishing an older
 * version again rolls back), or, when that one is refused, the newest before it that loads. Records are keyed
 * per version ({@link ModelVersionKey}), so every version survives compaction, and a tombstone withdraws one. A
 * version is loaded and checked here, off the stream threads, and swapped in only when it passed; a refused one
 * leaves the current model serving, and is not tried again until republished with another artifact.
 */
public final class VersionFollower implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VersionFollower.class);

    private final String modelName;
    private final String topic;
    private final Map<String, Object> consumerSettings;
    private final Deserializer<ModelVersion> deserializer;
    private final ModelHolder holder;
    private final ModelLoader loader;
    private final ModelStatusReporter reporter;
    private final Optional<String> catalogHash;
    /** The model's versions on the topic, in the order they were last published (the latest last); guarded by itself. */
    private final LinkedHashMap<Integer, ModelVersion> published = new LinkedHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    /** Versions that failed for a reason that may pass (an unreachable store): when to try each again. */
    private final Map<String, Long> retryAt = new ConcurrentHashMap<>();
    private final Map<String, Long> retryDelayMillis = new ConcurrentHashMap<>();
    private final CountDownLatch firstModel = new CountDownLatch(1);
    private final Thread thread;
    private volatile Optional<Integer> pinned;
    private volatile ModelVersion serving;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicLong recordsSkipped = new AtomicLong();
    private volatile String lastSkipped;

    VersionFollower(String modelName, String topic, Map<String, Object> consumerSettings,
                    Deserializer<ModelVersion> deserializer, ModelHolder holder, ModelLoader loader,
                    ModelStatusReporter reporter, Optional<String> catalogHash, Optional<Integer> pinned) {
        this.modelName = modelName;
        this.topic = topic;
        this.consumerSettings = consumerSettings;
        this.deserializer = deserializer;
        this.holder = holder;
        this.loader = loader;
        this.reporter = reporter;
        this.catalogHash = catalogHash;
        this.pinned = pinned;
        this.thread = new Thread(this::run, "geoloc-model-versions");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Waits until a first version serves. */
    void awaitFirstModel(Duration timeout) throws InterruptedException {
        if (!firstModel.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("No version of model " + modelName + " could be served within " + timeout
                    + " (geoloc.model.startup-timeout): " + (publishedVersions().isEmpty() ? "none is published on " + topic
                    : "versions published " + publishedVersions() + holder.lastRejection()
                            .map(r -> "; v" + r.version() + " was refused: " + r.reason()).orElse("")));
        }
    }

    /** Whether {@code version} is on the topic (published, not withdrawn), so that it can be pinned and served. */
    public boolean isPublished(int version) {
        synchronized (published) {
            return published.containsKey(version);
        }
    }

    /** The version numbers on the topic, ascending. */
    private List<Integer> publishedVersions() {
        synchronized (published) {
            return published.keySet().stream().sorted().toList();
        }
    }

    /** Newest first: the order in which versions are candidates to serve. */
    private List<ModelVersion> newestFirst() {
        synchronized (published) {
            List<ModelVersion> versions = new ArrayList<>(published.values());
            Collections.reverse(versions);
            return versions;
        }
    }

    /** Serves {@code version} from now on, or, when empty, the latest published again. */
    public void pin(Optional<Integer> version) {
        pinned = version;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup(); // reconcile now, not at the next poll
        }
    }

    /** What it serves, and what is published: for the admin endpoint and health details. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("model_name", modelName);
        status.put("serving_version", serving == null ? null : serving.getVersion());
        status.put("pinned_version", pinned.orElse(null));
        List<ModelVersion> newestFirst = newestFirst();
        status.put("latest_published_version", newestFirst.isEmpty() ? null : newestFirst.get(0).getVersion());
        status.put("versions_published", publishedVersions());
        status.put("versions_refused", publishedVersions().stream().filter(this::hasRefused).toList());
        status.put("records_skipped", recordsSkipped.get());
        if (lastSkipped != null) {
            status.put("last_skipped_record", lastSkipped);
        }
        holder.lastRejection().ifPresent(r -> status.put("last_rejection", Map.of("version", r.version(),
                "code", r.kind().name(), "reason", r.reason())));
        return status;
    }

    public boolean isAlive() {
        return thread.isAlive();
    }

    private void run() {
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
                LOG.warnf("Topic %s does not exist yet; waiting for it (create it compacted: deployment/topics.conf)", topic);
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
        if (record.value() == null) {
            synchronized (published) {
                if (published.remove(key.get().version()) != null) {
                    LOG.infof("%s v%d was withdrawn (a tombstone on %s)", modelName, key.get().version(), topic);
                }
            }
            return true;
        }
        ModelVersion version;
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
        if (!modelName.equals(version.getModelName()) || version.getVersion() != key.get().version()) {
            // A record moved under another key must not serve (its signature covers what is inside it).
            return skip(record, "keyed " + key.get() + " but names " + version.getModelName() + " v" + version.getVersion());
        }
        synchronized (published) {
            published.remove(version.getVersion()); // to the end: published last
            published.put(version.getVersion(), version);
        }
        return true;
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
        Optional<Integer> pin = pinned;
        if (pin.isPresent()) {
            ModelVersion target;
            synchronized (published) {
                target = published.get(pin.get());
            }
            if (target != null && !isServing(target) && serveable(target)) {
                switchTo(target);
            }
            return; // a pinned version withdrawn from the topic keeps serving here until unpinned
        }
        // The latest published serves; if it is refused, the newest before it that loads, down to the one
        // serving now. That also covers a fresh instance whose latest is bad, and a withdrawn latest. Versions
        // numbered above the latest are passed over unless they serve now: the latest was rolled back to, away
        // from them.
        List<ModelVersion> candidates = newestFirst();
        int latest = candidates.isEmpty() ? 0 : candidates.get(0).getVersion();
        for (ModelVersion candidate : candidates) {
            if (isServing(candidate)) {
                return;
            }
            if (candidate.getVersion() > latest) {
                continue;
            }
            if (serveable(candidate) && switchTo(candidate)) {
                if (candidate != candidates.get(0)) {
                    LOG.warnf("Serving %s v%d, the newest that loads: v%d, published after it, is refused", modelName,
                            candidate.getVersion(), candidates.get(0).getVersion());
                }
                return;
            }
        }
    }

    private boolean isServing(ModelVersion version) {
        ModelVersion current = serving;
        return current != null && current.getVersion() == version.getVersion()
                && current.getSha256().equalsIgnoreCase(version.getSha256());
    }

    private boolean serveable(ModelVersion version) {
        String identity = identity(version);
        return !refused.contains(identity) && retryAt.getOrDefault(identity, 0L) <= System.currentTimeMillis();
    }

    /** @return whether the version now serves */
    private boolean switchTo(ModelVersion version) {
        LOG.infof("Loading %s v%d from %s", modelName, version.getVersion(), ArtifactUris.shown(version.getArtifactUri()));
        reporter.report(version, ModelState.LOADING, null, null);
        ServedModel next;
        try {
            Optional<String> expected = catalogHash.or(() -> holder.current().map(m -> m.predictor().catalog().hash()));
            next = loader.load(version, expected);
        } catch (VersionRejectedException e) {
            if (e.kind() == RejectionKind.ARTIFACT_UNREACHABLE) {
                retryLater(version); // the store may be back in a moment
            } else {
                refused.add(identity(version));
            }
            holder.rejected(version.getVersion(), e);
            reporter.rejected(version, e.kind(), e.getMessage());
            LOG.warnf("Refused %s v%d (%s): %s; still serving %s", modelName, version.getVersion(), e.kind(),
                    e.getMessage(), holder.current().map(ServedModel::describe).orElse("nothing"));
            return false;
        } catch (RuntimeException e) {
            // Not a verdict on the version (a device or engine error): try it again later.
            retryLater(version);
            LOG.errorf(e, "Loading %s v%d failed; trying again later", modelName, version.getVersion());
            return false;
        }
        Optional<ServedModel> previous = holder.swap(next);
        ModelVersion retired = serving;
        serving = version;
        firstModel.countDown();
        try {
            LOG.infof("Serving %s%s", next.describe(), previous.map(p -> " instead of v" + p.version()).orElse(""));
            reporter.report(version, ModelState.SERVING, previous.map(p -> "replaced v" + p.version()).orElse(null),
                    next.predictor().bundleDigest());
        } finally {
            previous.ifPresent(old -> {
                old.predictor().close(); // waits for the batches running on it
                if (retired != null) {
                    reporter.report(retired, ModelState.RETIRED, "replaced by v" + version.getVersion(),
                            old.predictor().bundleDigest());
                }
            });
        }
        return true;
    }

    private void retryLater(ModelVersion version) {
        long delay = retryDelayMillis.merge(identity(version), 5_000L, (old, ignored) -> Math.min(old * 2, 300_000L));
        retryAt.put(identity(version), System.currentTimeMillis() + delay);
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
        ModelVersion record;
        synchronized (published) {
            record = published.get(version);
        }
        return record != null && refused.contains(identity(record));
    }

    private static String identity(ModelVersion version) {
        return version.getVersion() + "@" + version.getSha256();
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
        // Never create model-versions by reading it: it must be compacted with unlimited retention.
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return settings;
    }
}
