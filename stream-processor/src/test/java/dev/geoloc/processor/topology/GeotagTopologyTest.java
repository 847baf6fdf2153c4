package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.contracts.Topics;
import dev.geoloc.contracts.versions.Canary;
import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.processor.versions.ServingSet;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.AvroSerializer;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.registry.serde.WireFormat;
import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.schemas.RegionPrediction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * {@link GeotagTopology} in a {@code TopologyTestDriver}: the real serde and registry client over a registry in
 * memory ({@code mock://}), the real model and batcher, no broker. Hostile records each get their one answer in
 * milliseconds; what only a broker shows (a record its topic refuses, a crash) stays with the real-stack tests.
 */
class GeotagTopologyTest {

    private static final String REGISTRY = "mock://geotag-topology-test";
    @TempDir
    static java.nio.file.Path dir;
    private static DrivenTopology.Model model;
    private static ModelHolder models;

    private DrivenTopology topology;
    private SpecificAvroSerde<SpecificRecord> serde;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> events;
    private TestOutputTopic<byte[], SpecificRecord> predictions;
    private TestOutputTopic<byte[], SpecificRecord> deadLetters;

    @BeforeAll
    static void loadTheModel() throws Exception {
        model = DrivenTopology.Model.untrained(dir, "topology-test");
        models = model.models();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @BeforeEach
    void startTheDriver() {
        topology = new DrivenTopology(REGISTRY, model, DrivenTopology.PANORAMAS, new SimpleMeterRegistry());
        serde = topology.serde;
        driver = topology.driver;
        events = topology.events;
        predictions = topology.predictions;
        deadLetters = topology.deadLetters;
    }

    @AfterEach
    void stopTheDriver() {
        topology.close();
    }

    @Test
    void aGoodEventIsPredictedUnderItsKey() {
        events.pipeInput(key("good"), serialize(event("good", photo())));

        TestRecord<byte[], SpecificRecord> answer = awaitOne(predictions);

        assertThat(new String(answer.key(), StandardCharsets.UTF_8)).isEqualTo("good");
        assertThat(((RegionPrediction) answer.value()).getImageId()).isEqualTo("good");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void answersCarryTheInputsHeadersSoATraceContinuesThroughTheProcessor() {
        // Given events with a W3C trace context and a header of the uploader's own
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
        headers.add("uploader", "app-7".getBytes(StandardCharsets.UTF_8));

        // When one is predicted and one is broken
        events.pipeInput(new TestRecord<>(key("traced"), serialize(event("traced", photo())), headers));
        events.pipeInput(new TestRecord<>(key("traced-broken"), new byte[] {1, 2, 3}, headers));

        // Then the prediction and the dead letter carry the uploader's header as it came, and a trace context
        // of the same trace whose parent is now their image's span, a child of the uploader's
        TestRecord<byte[], SpecificRecord> prediction = awaitOne(predictions);
        TestRecord<byte[], SpecificRecord> deadLetter = awaitOne(deadLetters);
        Map<String, SpanData> spans = topology.spans.getFinishedSpanItems().stream()
                .collect(Collectors.toMap(SpanData::getSpanId, span -> span));
        SpanData predicted = imageSpanOf(prediction.headers(), spans);
        SpanData refused = imageSpanOf(deadLetter.headers(), spans);
        assertThat(refused.getAttributes().asMap().toString()).contains("NOT_WIRE_FORMAT");
        // and the predicted image's steps are children of its span, in order
        Map<String, SpanData> steps = spans.values().stream()
                .filter(span -> span.getParentSpanId().equals(predicted.getSpanId()))
                .collect(Collectors.toMap(SpanData::getName, span -> span));
        assertThat(steps).containsOnlyKeys("decode", "queue wait", "inference", "produce");
        assertThat(steps.get("queue wait").getStartEpochNanos()).isGreaterThanOrEqualTo(steps.get("decode").getEndEpochNanos());
        assertThat(steps.get("inference").getStartEpochNanos()).isGreaterThanOrEqualTo(steps.get("queue wait").getEndEpochNanos());
        assertThat(steps.get("inference").getAttributes().asMap().toString()).contains("geoloc.batch.size");
    }

    /** The image span an answer's one traceparent names, checked to continue the uploader's trace. */
    private static SpanData imageSpanOf(Headers carried, Map<String, SpanData> spans) {
        assertThat(carried.lastHeader("uploader").value()).isEqualTo("app-7".getBytes(StandardCharsets.UTF_8));
        assertThat(carried.headers("traceparent")).hasSize(1);
        String[] traceparent = new String(carried.lastHeader("traceparent").value(), StandardCharsets.UTF_8).split("-");
        SpanData image = spans.get(traceparent[2]);
        assertThat(image).as("the span the answer's traceparent names").isNotNull();
        assertThat(image.getName()).isEqualTo("process " + Topics.IMAGE_EVENTS);
        assertThat(image.getTraceId()).isEqualTo(traceparent[1]).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(image.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        return image;
    }

    @Test
    void aCanaryAnswersTheKeysItsShareTakesAndAShadowAnswersEveryEventToItsOwnTopic() {
        // Given v1 stable, the same weights as v2, a 30 % canary, and as v3, a shadow
        ServedModel stable = models.current().orElseThrow();
        ServedModel canary = new ServedModel("topology-test", 2, stable.predictor());
        ServedModel shadow = new ServedModel("topology-test", 3, stable.predictor());
        Canary share = new Canary(null, 30);
        models.swap(new ServingSet(stable, Optional.of(new ServingSet.ServedCanary(canary, share)), Optional.of(shadow)));
        var shadowed = driver.createOutputTopic(Topics.SHADOW_PREDICTIONS, Serdes.ByteArray().deserializer(),
                serde.deserializer());
        try {
            // When 60 events arrive
            for (int i = 0; i < 60; i++) {
                events.pipeInput(key("routed-" + i), serialize(event("routed-" + i, photo())));
            }

            // Then each is answered once, by the canary exactly when its key hash falls in the canary's share
            List<TestRecord<byte[], SpecificRecord>> answers = awaitAll(predictions, 60);
            for (TestRecord<byte[], SpecificRecord> answer : answers) {
                int expected = share.takes(org.apache.kafka.common.utils.Utils.murmur2(answer.key())) ? 2 : 1;
                assertThat(((RegionPrediction) answer.value()).getModelVersion()).as(new String(answer.key(),
                        StandardCharsets.UTF_8)).isEqualTo(expected);
            }
            assertThat(answers).extracting(a -> ((RegionPrediction) a.value()).getModelVersion()).contains(1, 2);
            // and the shadow answered every one, on its own topic only
            assertThat(shadowed.readRecordsToList()).hasSize(60)
                    .allSatisfy(r -> assertThat(((RegionPrediction) r.value()).getModelVersion()).isEqualTo(3));
            assertThat(predictions.isEmpty()).isTrue();
        } finally {
            models.swap(ServingSet.of(stable));
        }
    }

    @Test
    void aKeyOverTheLimitIsADeadLetterKeyedByItsDigest() {
        byte[] key = new byte[2 * 1024 * 1024];
        Arrays.fill(key, (byte) 'k');

        events.pipeInput(key, serialize(event("long-key", photo())));

        TestRecord<byte[], SpecificRecord> answer = awaitOne(deadLetters);
        assertThat(((DeadLetter) answer.value()).getErrorCode()).isEqualTo(DeadLetterCode.OVERSIZED_KEY);
        assertThat(new String(answer.key(), StandardCharsets.US_ASCII)).startsWith("sha256:").hasSize(71);
        assertThat(predictions.isEmpty()).isTrue();
    }

    @Test
    void anImageIdOrAPlatformAndMetadataOverTheLimitIsAnOversizedField() {
        events.pipeInput(key("long-id"), serialize(event("i".repeat(1025), photo())));
        ImageEvent flood = event("flood", photo());
        java.util.Map<String, String> metadata = new java.util.HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            metadata.put("k" + i, "v");
        }
        flood.setMetadata(metadata);
        events.pipeInput(key("flood"), serialize(flood));
        ImageEvent longPlatform = event("long-platform", photo());
        longPlatform.setSourcePlatform("p".repeat(65_537));
        events.pipeInput(key("long-platform"), serialize(longPlatform));

        List<DeadLetter> letters = awaitAll(deadLetters, 3).stream().map(r -> (DeadLetter) r.value()).toList();
        assertThat(letters).extracting(DeadLetter::getErrorCode).containsOnly(DeadLetterCode.OVERSIZED_FIELD);
        assertThat(letters.get(0).getReason()).contains("image_id is 1,025 bytes");
        assertThat(letters.get(1).getReason()).contains("source_platform and metadata (20,000 entries)");
        assertThat(letters.get(2).getReason()).contains("source_platform and metadata (0 entries) hold 65,537 bytes");
    }

    @Test
    void aWriterSchemaNamingAClassThatIsNoGeneratedRecordIsAnUnknownSchema() {
        Schema impostor = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"SpecificRecordBase\","
                + "\"namespace\":\"org.apache.avro.specific\",\"fields\":[]}");
        AvroSerializer<GenericRecord> generic = new AvroSerializer<>();
        generic.configure(Map.of(RegistryClientConfig.URL, REGISTRY), false);

        events.pipeInput(key("impostor"), generic.serialize("impostor-topic", new GenericData.Record(impostor)));
        events.pipeInput(key("after-impostor"), serialize(event("after-impostor", photo())));

        assertThat(((DeadLetter) awaitOne(deadLetters).value()).getErrorCode()).isEqualTo(DeadLetterCode.UNKNOWN_SCHEMA);
        assertThat(((RegionPrediction) awaitOne(predictions).value()).getImageId()).isEqualTo("after-impostor");
    }

    @Test
    void brokenRecordsEachGetTheirCodeAndTheStreamGoesOn() {
        events.pipeInput(key("tombstone"), (byte[]) null);
        events.pipeInput(key("not-avro"), "{\"image_id\": 1}".getBytes(StandardCharsets.UTF_8));
        events.pipeInput(key("unknown-id"), concat(WireFormat.header(987_001), new byte[] {2, 4}));
        events.pipeInput(key("scan-bomb"), serialize(event("scan-bomb",
                dev.geoloc.imaging.HostileImages.progressiveScans(8192, 6000, 5000))));
        events.pipeInput(key("after"), serialize(event("after", photo())));

        List<DeadLetterCode> codes = awaitAll(deadLetters, 4).stream()
                .map(r -> ((DeadLetter) r.value()).getErrorCode()).toList();
        assertThat(codes).containsExactly(DeadLetterCode.MALFORMED_RECORD, DeadLetterCode.NOT_WIRE_FORMAT,
                DeadLetterCode.UNKNOWN_SCHEMA, DeadLetterCode.DECODE_TOO_COSTLY);
        assertThat(((RegionPrediction) awaitOne(predictions).value()).getImageId()).isEqualTo("after");
    }

    /** Lets wall-clock time pass in small steps, so the punctuator hands on what the batcher finished. */
    private TestRecord<byte[], SpecificRecord> awaitOne(TestOutputTopic<byte[], SpecificRecord> topic) {
        return awaitAll(topic, 1).get(0);
    }

    private List<TestRecord<byte[], SpecificRecord>> awaitAll(TestOutputTopic<byte[], SpecificRecord> topic, int count) {
        return topology.awaitAll(topic, count);
    }

    private byte[] serialize(ImageEvent event) {
        return topology.serialize(event);
    }

    private static ImageEvent event(String id, byte[] image) {
        return ImageEvent.newBuilder().setImageId(id).setContent(new InlineImage(ByteBuffer.wrap(image)))
                .setUploadTime(Instant.now()).setSourcePlatform("topology-test").build();
    }

    private static byte[] photo() {
        return TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED, TestImages.BLUE), false);
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
