package dev.geoloc.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * Memory in flight is bounded in bytes, not images: the packaged processor, with a 1 GiB heap and its default
 * settings, answers a stream of the largest events it accepts (9.5 MiB JPEGs, and 10 MiB metadata maps of tiny
 * entries), every one, without an OutOfMemoryError. Its topics and group are its own. With the tiny test model
 * the queue seldom fills, so this guards the whole path at that heap; the byte budget itself is proven where the
 * model is held ({@code InFlightBytesTest}).
 */
class InFlightMemoryIT {

    private static final int IMAGES = 300;
    private static final int METADATA_FLOODS = 50;
    private static final int MIB = 1024 * 1024;
    private static final String EVENTS = "memory-events";
    private static final String PREDICTIONS = "memory-predictions";
    private static final String DEAD_LETTERS = "memory-dead-letters";

    @Test
    void theLargestEventsAreAllAnsweredWithinAOneGibibyteHeap() throws Exception {
        // Given 300 events with 9.5 MiB JPEGs and 50 with 10 MiB metadata maps, on topics of the production limits
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.createStreamTopics(stack, EVENTS, PREDICTIONS, DEAD_LETTERS, TestTopics.PARTITIONS);
        SpecificAvroSerde<ImageEvent> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()), false);
        byte[] photo = paddedJpeg(19 * MIB / 2);
        byte[] imageEvent = serde.serializer().serialize(EVENTS, event("large-photo", photo, Map.of()));
        byte[] metadataFlood = serde.serializer().serialize(EVENTS, event("metadata-flood", TestImages.jpeg(
                TestImages.bands(32, 24, TestImages.RED), false), tinyEntries(10 * MIB - 64 * 1024)));
        assertThat(imageEvent.length).isGreaterThan(19 * MIB / 2);
        Set<String> keys = ConcurrentHashMap.newKeySet();
        try (KafkaProducer<byte[], byte[]> producer = producer(stack)) {
            for (int i = 0; i < IMAGES + METADATA_FLOODS; i++) {
                String key = "memory-" + i;
                keys.add(key);
                byte[] value = i % 7 == 6 && i / 7 < METADATA_FLOODS ? metadataFlood : imageEvent;
                producer.send(new ProducerRecord<>(EVENTS, key.getBytes(StandardCharsets.UTF_8), value));
            }
        }

        // When the packaged processor, with a 1 GiB heap and default settings, reads them
        Path work = Files.createDirectories(Path.of("target", "memory-test").toAbsolutePath());
        Map<String, String> settings = Map.of("geoloc.topics.image-events", EVENTS,
                "geoloc.topics.predictions", PREDICTIONS, "geoloc.topics.dead-letters", DEAD_LETTERS,
                "quarkus.kafka-streams.application-id", "geoloc-memory-test");
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        try (ProcessorProcess processor = ProcessorProcess.start(stack, StreamingStackResource.testBundle(),
                work.resolve("state-" + System.nanoTime()), work.resolve("processor.log"), settings);
             KafkaConsumer<byte[], byte[]> outputs = consumer(stack)) {
            outputs.subscribe(List.of(PREDICTIONS, DEAD_LETTERS));
            long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
            while (answers.size() < keys.size() && processor.isAlive() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : outputs.poll(Duration.ofMillis(200))) {
                    answers.merge(new String(record.key(), StandardCharsets.UTF_8), 1, Integer::sum);
                }
            }
            Thread.sleep(1000);
            for (ConsumerRecord<byte[], byte[]> record : outputs.poll(Duration.ofMillis(500))) {
                answers.merge(new String(record.key(), StandardCharsets.UTF_8), 1, Integer::sum);
            }

            // Then every event has exactly one answer, and the heap held
            String log = Files.readString(work.resolve("processor.log"));
            assertThat(log).doesNotContain("OutOfMemoryError");
            assertThat(processor.isAlive()).as("the processor is alive").isTrue();
            assertThat(answers.keySet()).as("answered events").containsExactlyInAnyOrderElementsOf(keys);
            assertThat(answers.values()).as("answers per event").containsOnly(1);
        }
    }

    private static ImageEvent event(String id, byte[] image, Map<String, String> metadata) {
        return ImageEvent.newBuilder().setImageId(id).setContent(new InlineImage(ByteBuffer.wrap(image)))
                .setUploadTime(Instant.now()).setSourcePlatform("memory-test").setMetadata(metadata).build();
    }

    /** A real photo-sized JPEG of noise, padded with comment segments to {@code length} bytes. */
    private static byte[] paddedJpeg(int length) {
        BufferedImage noise = new BufferedImage(2400, 1800, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(5);
        for (int y = 0; y < noise.getHeight(); y++) {
            for (int x = 0; x < noise.getWidth(); x++) {
                noise.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        byte[] jpeg = TestImages.jpeg(noise, false);
        assertThat(jpeg.length).as("the JPEG before padding").isLessThan(length);
        return LargeImages.padded(jpeg, length);
    }

    /** Distinct short keys with empty values, about {@code bytes} of Avro in all. */
    private static Map<String, String> tinyEntries(int bytes) {
        Map<String, String> entries = new HashMap<>();
        int i = 0;
        for (int written = 0; written < bytes; i++) {
            String key = Integer.toString(i, 36);
            entries.put(key, "");
            written += 1 + key.length() + 1;
        }
        return entries;
    }

    private static KafkaProducer<byte[], byte[]> producer(StreamingStack stack) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 11 * MIB);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * MIB);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(StreamingStack stack) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "memory-test-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
