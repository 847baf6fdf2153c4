package dev.geoloc.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.SchemaRegistryClient;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.registry.serde.WireFormat;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.StreamingStackExtension;

/**
 * ImageEvents cross between this project's serde and a Confluent client it did not write (Debian's
 * python3-confluent-kafka with python3-avro), both ways, through the real broker and registry.
 */
@ExtendWith(StreamingStackExtension.class)
class ConfluentPythonInteropTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path CLIENT = Path.of("src/test/python/confluent_client.py");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StreamingStack stack;
    private final String topic = "interop-" + UUID.randomUUID();
    private final List<ImageEvent> events = SampleEvents.all();

    ConfluentPythonInteropTest(StreamingStack stack) {
        this.stack = stack;
        stack.createTopics(new NewTopic(topic, 1, (short) 1));
    }

    @Test
    void whatOurSerdeWritesConfluentsPythonClientReads() throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576),
                new StringSerializer(), serde().serializer())) {
            for (ImageEvent event : events) {
                producer.send(new ProducerRecord<>(topic, event.getImageId(), event)).get();
            }
        }

        String output = python(null, "consume", Integer.toString(events.size()));

        List<JsonNode> read = new ArrayList<>();
        for (String line : output.strip().split("\n")) {
            read.add(JSON.readTree(line));
        }
        assertThat(read).containsExactlyElementsOf(events.stream().map(ConfluentPythonInteropTest::canonical).toList());
    }

    @Test
    void whatConfluentsPythonClientWritesOurSerdeReads(@TempDir Path dir) throws Exception {
        Path schemaFile = Files.writeString(dir.resolve("ImageEvent.avsc"), ImageEvent.getClassSchema().toString());
        StringBuilder lines = new StringBuilder();
        for (ImageEvent event : events) {
            lines.append(JSON.writeValueAsString(canonical(event))).append('\n');
        }

        python(lines.toString(), "produce", schemaFile.toString());

        List<ConsumerRecord<String, ImageEvent>> received = consumeAll();
        assertThat(received).extracting(ConsumerRecord::key)
                .containsExactlyElementsOf(events.stream().map(ImageEvent::getImageId).toList());
        assertThat(received).extracting(ConsumerRecord::value).containsExactlyElementsOf(events);
        // Python registered the schema itself, under the subject our serde would have used.
        SchemaRegistryClient registry = SchemaRegistryClient.fromConfig(registryConfig());
        assertThat(WireFormat.schemaId(rawValue(received.get(0))))
                .isEqualTo(registry.latest(topic + "-value").id());
    }

    private List<ConsumerRecord<String, ImageEvent>> consumeAll() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "java-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, ImageEvent>> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), serde().deserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(30);
            while (received.size() < events.size() && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        return received;
    }

    private byte[] rawValue(ConsumerRecord<String, ImageEvent> record) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "raw-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> raw : consumer.poll(Duration.ofMillis(500))) {
                    if (raw.offset() == record.offset()) {
                        return raw.value();
                    }
                }
            }
        }
        throw new AssertionError("record at offset " + record.offset() + " not found again");
    }

    private SpecificAvroSerde<ImageEvent> serde() {
        SpecificAvroSerde<ImageEvent> serde = new SpecificAvroSerde<>();
        serde.configure(registryConfig(), false);
        return serde;
    }

    private Map<String, Object> registryConfig() {
        return Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl());
    }

    /** The JSON form that confluent_client.py prints and reads: bytes in base64, times in epoch millis. */
    private static JsonNode canonical(ImageEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("image_id", event.getImageId());
        json.put("content", event.getContent() instanceof InlineImage inline
                ? Map.of("data", Base64.getEncoder().encodeToString(bytes(inline)))
                : Map.of("uri", ((ImageUri) event.getContent()).getUri()));
        json.put("content_type", event.getContentType());
        json.put("capture_time", event.getCaptureTime() == null ? null : event.getCaptureTime().toEpochMilli());
        json.put("upload_time", event.getUploadTime().toEpochMilli());
        json.put("source_platform", event.getSourcePlatform());
        json.put("ground_truth", event.getGroundTruth() == null ? null
                : Map.of("latitude", event.getGroundTruth().getLatitude(),
                        "longitude", event.getGroundTruth().getLongitude()));
        json.put("metadata", event.getMetadata());
        CaptureGroup group = event.getCaptureGroup();
        Map<String, Object> groupJson = new LinkedHashMap<>();
        if (group != null) {
            groupJson.put("group_id", group.getGroupId());
            groupJson.put("size", group.getSize());
            groupJson.put("heading", group.getHeading());
        }
        json.put("capture_group", group == null ? null : groupJson);
        try {
            // Through text, so that numbers get the same node types as the parsed Python output.
            return JSON.readTree(JSON.writeValueAsString(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(InlineImage inline) {
        var buffer = inline.getData().duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private String python(String stdin, String command, String last) throws Exception {
        assertThat(PYTHON).as("Debian's python3 (./geoloc test installs the Confluent client for it)").exists();
        Process process = new ProcessBuilder(PYTHON.toString(), CLIENT.toString(), command,
                stack.bootstrapServers(), stack.schemaRegistryUrl(), topic, last).start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        var stdout = process.getInputStream().readAllBytes();
        var stderr = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("confluent_client.py %s failed:%n%s", command, new String(stderr, StandardCharsets.UTF_8))
                .isZero();
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
