package dev.geoloc.processor.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.contracts.Topics;
import dev.geoloc.contracts.versions.ActionKeys;
import dev.geoloc.contracts.versions.ModelVersionKey;
import dev.geoloc.contracts.versions.VersionsTopicRetention;
import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.Sha256;
import dev.geoloc.model.TestBundles;
import dev.geoloc.objectstore.S3Settings;
import dev.geoloc.processor.artifacts.ArtifactFetcher;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.AvroSerializer;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.ModelState;
import dev.geoloc.schemas.ModelStatus;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.TopicsFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Records under a version's key whose value is not a ModelVersion: another generated type (a ModelStatus), or a
 * schema named like a class Avro cannot read into. Each used to end the follower thread, and since the topic is
 * kept and replayed at every start, every replica again. A fresh follower now skips them, saying why, and
 * serves the version beside them.
 */
class ForeignVersionRecordsTest {

    private static final String MODEL = "foreign";
    private static final String VERSIONS = "foreign-model-versions";
    private static final String STATUS = "foreign-model-status";

    @TempDir
    Path dir;

    private final StreamingStack stack = LocalStreamingStack.shared();

    @Test
    void aFreshFollowerSkipsForeignRecordsAndServesTheVersionBesideThem() throws Exception {
        // Given v1 published, then a ModelStatus under v2's key and an unreadable class under v3's
        stack.createTopics(new NewTopic(VERSIONS, 1, (short) 1).configs(TopicsFile.project(Topics.MODEL_VERSIONS).configs()),
                new NewTopic(STATUS, 1, (short) 1));
        SpecificAvroSerde<SpecificRecord> serde = serde();
        ModelStatus status = ModelStatus.newBuilder().setModelName(MODEL).setVersion(2).setState(ModelState.SERVING)
                .setInstance("elsewhere").setArtifactUri("file:///nowhere.zip").setReportedTime(Instant.now()).build();
        Schema impostor = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"SpecificRecordBase\","
                + "\"namespace\":\"org.apache.avro.specific\",\"fields\":[]}");
        AvroSerializer<GenericRecord> generic = new AvroSerializer<>();
        generic.configure(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()), false);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(VERSIONS, key(1), serde.serializer().serialize(VERSIONS, version(1)))).get();
            producer.send(new ProducerRecord<>(VERSIONS, key(2), serde.serializer().serialize(STATUS, status))).get();
            producer.send(new ProducerRecord<>(VERSIONS, key(3),
                    generic.serialize(VERSIONS + "-impostor", new GenericData.Record(impostor)))).get();
        }

        // When a follower starts on the topic
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ModelHolder holder = new ModelHolder(registry);
        SpecificAvroSerde<ModelVersion> versions = serde();
        try (ModelStatusReporter reporter = new ModelStatusReporter(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), serde.serializer(), STATUS, "foreign-test");
             VersionFollower follower = new VersionFollower(MODEL, VERSIONS, VersionFollower.consumerSettings(
                     Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), "foreign-test"),
                     versions.deserializer(), ActionKeys.UNSIGNED,
                     new ModelSwitcher(MODEL, holder, loader(), reporter, Optional.empty()), holder, reporter, registry,
                     Optional.empty(), retention())) {
            follower.start();
            follower.awaitFirstModel(Duration.ofSeconds(30));

            // Then v1 serves, the follower runs on, and says what it skipped
            assertThat(holder.current().orElseThrow().version()).isEqualTo(1);
            assertThat(follower.isAlive()).isTrue();
            Map<String, Object> said = follower.status();
            assertThat(said.get("records_skipped")).isEqualTo(2L);
            assertThat(String.valueOf(said.get("last_skipped_record"))).contains(VERSIONS + "-0@2")
                    .contains("org.apache.avro.specific.SpecificRecordBase");
            assertThat(said.get("versions_published")).isEqualTo(List.of(1));
            assertThat(said.get("versions_topic")).as("made as topics.conf says").isEqualTo("append-only, kept forever");
        } finally {
            holder.clear().forEach(served -> served.predictor().close());
        }
    }

    private VersionsTopicRetention.Finding retention() throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            return VersionsTopicRetention.check(admin, VERSIONS, Duration.ofSeconds(30));
        }
    }

    private <T extends SpecificRecord> SpecificAvroSerde<T> serde() {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()), false);
        return serde;
    }

    private ModelLoader loader() {
        return new ModelLoader(ArtifactFetcher.standard(dir.resolve("downloads"), 1L << 30, Duration.ofMinutes(1),
                S3Settings.AWS), PredictorOptions.DEFAULT.withDevice("cpu"), 2);
    }

    private ModelVersion version(int number) throws Exception {
        Path bundle = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER,
                RegionCatalog.losAngeles());
        Path zip = BundleWriter.zip(bundle, dir.resolve("bundle.zip"));
        return ModelVersion.newBuilder().setModelName(MODEL).setVersion(number).setArtifactUri(zip.toUri().toString())
                .setSha256(Sha256.of(zip)).setBackbone("tiny-cnn").setHead("classifier").setLoss("none")
                .setRegionCatalogHash(RegionCatalog.losAngeles().hash())
                .setMetrics(EvaluationMetrics.newBuilder().setDataset("none").setSamples(0).setAccuracy(0)
                        .setMeanErrorKm(0).setMedianErrorKm(0).setAccAt1km(0).setAccAt5km(0).setAccAt10km(0)
                        .setAccAt25km(0).build())
                .setCreatedTime(Instant.now()).build();
    }

    private static byte[] key(int version) {
        return new ModelVersionKey(MODEL, version).toString().getBytes(StandardCharsets.UTF_8);
    }
}
