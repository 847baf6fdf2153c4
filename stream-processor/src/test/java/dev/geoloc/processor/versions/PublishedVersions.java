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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.ModelVersionKey;
import dev.geoloc.model.Sha256;
import dev.geoloc.model.VersionSignatures;
import dev.geoloc.processor.TestTopics;
import dev.geoloc.processor.Topics;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.ModelState;
import dev.geoloc.schemas.ModelStatus;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * The trainer's side of a rollout, as the tests need it: zipped bundles with their sha256, ModelVersion
 * records on the real model-versions topic, signed with {@link #SIGNING}, and the processor's ModelStatus
 * records read back.
 */
final class PublishedVersions implements AutoCloseable {

    static final String MODEL = "swap-test";
    /** The trainer's signing key; the processor under test holds its public half. */
    static final KeyPair SIGNING = keys();

    /** A published artifact: where it is, its sha256, and the catalog its bundle was trained on. */
    record Artifact(Path zip, String sha256, String catalogHash) {
        String uri() {
            return zip.toUri().toString();
        }
    }

    private final StreamingStack stack = LocalStreamingStack.shared();
    private final SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<ModelStatus> statuses = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;

    PublishedVersions() {
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
    static Artifact artifact(Path bundle) {
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

    void publish(int version, Artifact artifact) {
        publish(version, artifact.uri(), artifact.sha256(), artifact.catalogHash());
    }

    void publish(int version, String uri, String sha256, String catalogHash) {
        publish(version, uri, sha256, catalogHash, VersionSignatures.sign(SIGNING.getPrivate(), MODEL, version, sha256));
    }

    /** Publishes {@code artifact} signed by some other key than the one processors trust. */
    void publishSignedByAnotherKey(int version, Artifact artifact) {
        publish(version, artifact.uri(), artifact.sha256(), artifact.catalogHash(),
                VersionSignatures.sign(keys().getPrivate(), MODEL, version, artifact.sha256()));
    }

    /** Writes the public key processors verify with; returns its file. */
    static Path verifyKey(Path directory) {
        try {
            Files.createDirectories(directory);
            return Files.writeString(directory.resolve("verify.pem"), VersionSignatures.pem(SIGNING.getPublic()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair keys() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void publish(int version, String uri, String sha256, String catalogHash, String signature) {
        ModelVersion record = ModelVersion.newBuilder()
                .setModelName(MODEL)
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
                .setSignature(signature)
                .build();
        try {
            producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS, key(version),
                    serde.serializer().serialize(Topics.MODEL_VERSIONS, record))).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish v" + version, e);
        }
    }

    /** Withdraws {@code version}: a tombstone under its key. */
    void withdraw(int version) {
        try {
            producer.send(new ProducerRecord<>(Topics.MODEL_VERSIONS, key(version), null)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not withdraw v" + version, e);
        }
    }

    private static byte[] key(int version) {
        return new ModelVersionKey(MODEL, version).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Waits for the processor to report {@code state} for {@code version}, the {@code nth} time (from 1). */
    ModelStatus awaitStatus(int version, ModelState state, int nth) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            List<ModelStatus> matching = statuses.stream()
                    .filter(s -> s.getVersion() == version && s.getState() == state).toList();
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
        return statuses.stream().filter(s -> s.getVersion() == version && s.getState() == state).count();
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
