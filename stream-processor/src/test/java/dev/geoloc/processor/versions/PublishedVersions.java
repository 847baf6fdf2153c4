package dev.geoloc.processor.versions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.geoloc.contracts.Topics;
import dev.geoloc.contracts.versions.ModelVersionKey;
import dev.geoloc.contracts.versions.RolloutSignatures;
import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.Sha256;
import dev.geoloc.processor.TestTopics;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.ModelState;
import dev.geoloc.schemas.ModelStatus;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * The trainer's side of a rollout, as the tests need it: zipped bundles with their sha256, rollout actions on the
 * real model-versions topic, each with the next sequence and signed with {@link #SIGNING}, and the processor's
 * ModelStatus records read back.
 */
public final class PublishedVersions implements AutoCloseable {

    static final String MODEL = "swap-test";
    /** The trainer's signing key; the processor under test holds its public half. */
    static final KeyPair SIGNING = keys();

    /** A published artifact: where it is, its sha256, and the catalog its bundle was trained on. */
    public record Artifact(Path zip, String sha256, String catalogHash) {
        String uri() {
            return zip.toUri().toString();
        }
    }

    private final String model;
    private final StreamingStack stack = LocalStreamingStack.shared();
    private final SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<ModelStatus> statuses = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;

    PublishedVersions() {
        this(MODEL);
    }

    /** For the versions of {@code model}: each test class its own, since they share the topic. */
    public PublishedVersions(String model) {
        this.model = model;
        TestTopics.create(stack);
        serde.configure(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()), false);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        reader = new Thread(this::readStatuses, "model-status-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Zips a bundle directory as the trainer's publish does. */
    public static Artifact artifact(Path bundle) {
        try {
            Path zip = bundle.resolveSibling(bundle.getFileName() + ".zip");
            if (!Files.exists(zip)) {
                BundleWriter.zip(bundle, zip);
            }
            try (ModelBundle opened = ModelBundle.open(bundle)) {
                return new Artifact(zip, Sha256.of(zip), opened.manifest().catalogHash());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes {@code version} of {@code artifact} stable, signed: a publish, a rollback or a promotion. */
    public ModelVersion publish(int version, Artifact artifact) {
        return publish(version, artifact.uri(), artifact.sha256(), artifact.catalogHash());
    }

    ModelVersion publish(int version, String uri, String sha256, String catalogHash) {
        return send(signed(SIGNING.getPrivate(), record(version, uri, sha256, catalogHash,
                RolloutRole.STABLE, 0)));
    }

    /** Publishes {@code version} as a canary taking {@code percent} of the images, signed. */
    public ModelVersion canary(int version, Artifact artifact, int percent) {
        return send(signed(SIGNING.getPrivate(), record(version, artifact.uri(), artifact.sha256(),
                artifact.catalogHash(), RolloutRole.CANARY, percent)));
    }

    /** Publishes {@code version} as a shadow, signed. */
    ModelVersion shadow(int version, Artifact artifact) {
        return send(signed(SIGNING.getPrivate(), record(version, artifact.uri(), artifact.sha256(),
                artifact.catalogHash(), RolloutRole.SHADOW, 0)));
    }

    /** Publishes {@code artifact} signed by some other key than the one processors trust. */
    void publishSignedByAnotherKey(int version, Artifact artifact) {
        send(signed(keys().getPrivate(), record(version, artifact.uri(), artifact.sha256(),
                artifact.catalogHash(), RolloutRole.STABLE, 0)));
    }

    /** Sends a record exactly as given: an old record sent again, say. */
    ModelVersion send(ModelVersion record) {
        try {
            producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS, key(record.getVersion()),
                    serde.serializer().serialize(Topics.MODEL_VERSIONS, record))).get();
            return record;
        } catch (Exception e) {
            throw new IllegalStateException("could not send v" + record.getVersion(), e);
        }
    }

    /** Writes the public key processors verify with; returns its file. */
    public static Path verifyKey(Path directory) {
        try {
            Files.createDirectories(directory);
            return Files.writeString(directory.resolve("verify.pem"), RolloutSignatures.pem(SIGNING.getPublic()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static KeyPair keys() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Signs a record made here in place: {@link RolloutSignatures#signed}'s copy does not work in a test resource,
     * which Quarkus loads beside Avro in another class loader.
     */
    private static ModelVersion signed(java.security.PrivateKey key, ModelVersion record) {
        record.setSignature(RolloutSignatures.sign(key, record));
        return record;
    }

    /** A record of the next action; unsigned. */
    private ModelVersion record(int version, String uri, String sha256, String catalogHash, RolloutRole role,
                                int percent) {
        return ModelVersion.newBuilder()
                .setModelName(model)
                .setVersion(version)
                .setArtifactUri(uri)
                .setSha256(sha256)
                .setBackbone("tiny-cnn")
                .setHead("classifier")
                .setLoss("none")
                .setRegionCatalogHash(catalogHash)
                .setMetrics(EvaluationMetrics.newBuilder().setDataset("none/test").setSamples(0).setAccuracy(0)
                        .setMeanErrorKm(0).setMedianErrorKm(0).setAccAt1km(0).setAccAt5km(0).setAccAt10km(0)
                        .setAccAt25km(0).build())
                .setCreatedTime(Instant.now())
                .setSequence(nextSequence())
                .setRole(role)
                .setTrafficPercent(percent)
                .build();
    }

    /** Withdraws {@code record}'s version with a signed record, as trainer withdraw does. */
    void withdraw(ModelVersion record) {
        send(signed(SIGNING.getPrivate(), record(record.getVersion(), record.getArtifactUri(), record.getSha256(),
                record.getRegionCatalogHash(), RolloutRole.WITHDRAWN, 0)));
    }

    /**
     * One more than the highest sequence on the topic for this model, as the trainer takes it: the processor may
     * have sent an action of its own (a canary's withdrawal) since this publisher's last.
     */
    private long nextSequence() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        long highest = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODEL_VERSIONS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.value() != null && new String(record.key(), StandardCharsets.UTF_8).startsWith(model + "/")) {
                        ModelVersion version = (ModelVersion) serde.deserializer().deserialize(record.topic(), record.value());
                        highest = Math.max(highest, version.getSequence());
                    }
                }
            }
        }
        return highest + 1;
    }

    /** A tombstone under {@code version}'s key: what anyone who can write to the topic can send. */
    void tombstone(int version) {
        try {
            producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS, key(version), null)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send a tombstone for v" + version, e);
        }
    }

    private byte[] key(int version) {
        return new ModelVersionKey(model, version).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Waits for the processor to report {@code state} for {@code version}, the {@code nth} time (from 1). */
    ModelStatus awaitStatus(int version, ModelState state, int nth) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            List<ModelStatus> matching = statuses.stream()
                    .filter(s -> s.getModelName().equals(model) && s.getVersion() == version && s.getState() == state).toList();
            if (matching.size() >= nth) {
                return matching.get(nth - 1);
            }
            sleep();
        }
        throw new AssertionError("no " + state + " status for v" + version + " (#" + nth + ") within 90 s; saw "
                + statuses.stream().map(s -> "v" + s.getVersion() + " " + s.getState()).toList());
    }

    ModelStatus awaitStatus(int version, ModelState state) {
        return awaitStatus(version, state, 1);
    }

    long count(int version, ModelState state) {
        return statuses.stream().filter(s -> s.getModelName().equals(model) && s.getVersion() == version
                && s.getState() == state).count();
    }

    private void readStatuses() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "status-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.MODEL_STATUS));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    statuses.add((ModelStatus) serde.deserializer().deserialize(record.topic(), record.value()));
                }
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        reader.join(5000);
        producer.close();
    }
}
