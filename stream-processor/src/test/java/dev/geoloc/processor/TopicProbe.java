package dev.geoloc.processor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.geoloc.contracts.Topics;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.schemas.PanoramaPrediction;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * The outside of the running processor, as a producer and a dashboard see it: sends image events (or any bytes)
 * to the input topic, and reads predictions and dead letters with a read_committed consumer.
 */
public final class TopicProbe implements AutoCloseable {

    /** One output record: its key as a string, where it was, the decoded value, its headers, and when the probe read it. */
    public record Output<T>(String key, int partition, long offset, T value, Headers headers, long receivedMillis) {

        /** The last value of a header, as UTF-8; null when absent. */
        public String header(String name) {
            Header header = headers.lastHeader(name);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    }

    private final StreamingStack stack = LocalStreamingStack.shared();
    private final SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Output<RegionPrediction>> predictions = new CopyOnWriteArrayList<>();
    private final List<Output<RegionPrediction>> shadowPredictions = new CopyOnWriteArrayList<>();
    private final List<Output<DeadLetter>> deadLetters = new CopyOnWriteArrayList<>();
    private final List<Output<PanoramaPrediction>> panoramaPredictions = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;

    public TopicProbe() {
        serde.configure(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()), false);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 11 * 1024 * 1024);
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        reader = new Thread(this::read, "topic-probe");
        reader.setDaemon(true);
        reader.start();
    }

    /** An event with the image inline, uploaded now, with ground truth. */
    public static ImageEvent event(String id, byte[] image, GeoPoint truth) {
        return ImageEvent.newBuilder()
                .setImageId(id)
                .setContent(new InlineImage(ByteBuffer.wrap(image)))
                .setUploadTime(Instant.now())
                .setSourcePlatform("test")
                .setGroundTruth(truth)
                .build();
    }

    /** Sends the event keyed by its image_id, as platforms do. */
    public RecordMetadata send(ImageEvent event) {
        return send(event.getImageId(), event);
    }

    public RecordMetadata send(String key, ImageEvent event) {
        return sendBytes(key, serde.serializer().serialize(Topics.IMAGE_EVENTS, event));
    }

    /** Sends without waiting for the broker's acknowledgement, for load; {@link #close} flushes. */
    public void sendAsync(ImageEvent event) {
        sendAsync(Topics.IMAGE_EVENTS, event);
    }

    /** Sends to another input topic (a second consumer's, in a benchmark), in the same wire format. */
    public void sendAsync(String topic, ImageEvent event) {
        producer.send(new ProducerRecord<>(topic, event.getImageId().getBytes(StandardCharsets.UTF_8),
                serde.serializer().serialize(Topics.IMAGE_EVENTS, event)));
    }

    public RecordMetadata sendBytes(String key, byte[] value) {
        return sendBytes(key, value, new RecordHeaders());
    }

    /** Sends the bytes keyed by {@code key}, with headers (a trace context, say). */
    public RecordMetadata sendBytes(String key, byte[] value, Headers headers) {
        try {
            return producer.send(new ProducerRecord<>(Topics.IMAGE_EVENTS, null,
                    key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, headers)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + key, e);
        }
    }

    /** Sends to one partition of the input topic, with any key bytes: for records that must queue behind another. */
    public RecordMetadata sendBytes(int partition, byte[] key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(Topics.IMAGE_EVENTS, partition, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + (key == null ? 0 : key.length) + " key bytes to partition "
                    + partition, e);
        }
    }

    /** Bytes in the Confluent wire format as our serde writes them, for a record of any generated type. */
    public byte[] serialize(SpecificRecord record) {
        return serde.serializer().serialize(Topics.IMAGE_EVENTS, record);
    }

    public Output<RegionPrediction> awaitPrediction(String key) {
        return await(predictions, output -> key.equals(output.key()), "a prediction for " + key);
    }

    public Output<DeadLetter> awaitDeadLetter(String key) {
        return await(deadLetters, output -> key.equals(output.key()), "a dead letter for " + key);
    }

    /** The dead letter of the input record at that place, whatever key it carries. */
    public Output<DeadLetter> awaitDeadLetterFor(RecordMetadata sent) {
        return await(deadLetters, output -> output.value().getSourcePartition() == sent.partition()
                && output.value().getSourceOffset() == sent.offset(), "a dead letter for " + sent);
    }

    /** Waits until every key has a prediction; returns them in the order they were read. */
    public List<Output<RegionPrediction>> awaitPredictions(List<String> keys) {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        // A set: a benchmark waits for thousands of keys among tens of thousands of predictions every 20 ms, and a
        // list's contains() made that loop take a core from the processor it measured.
        Set<String> wanted = new HashSet<>(keys);
        while (System.nanoTime() < deadline) {
            List<Output<RegionPrediction>> found = predictions.stream().filter(p -> wanted.contains(p.key())).toList();
            if (found.stream().map(Output::key).distinct().count() == keys.size()) {
                return found;
            }
            sleep();
        }
        throw new AssertionError("predictions for " + keys.size() + " keys did not all arrive");
    }

    /** Predictions and dead letters read so far. */
    public int outputCount() {
        return predictions.size() + deadLetters.size();
    }

    /** Predictions and dead letters for the key. */
    public int outputsFor(String key) {
        return predictions(key).size() + deadLetters(key).size();
    }

    /** The keys of every prediction read so far. */
    public List<String> predictionKeys() {
        return predictions.stream().map(Output::key).toList();
    }

    public List<Output<RegionPrediction>> predictions(String key) {
        return predictions.stream().filter(p -> key.equals(p.key())).toList();
    }

    /** What a shadow version answered for {@code key}, on the shadow topic. */
    public List<Output<RegionPrediction>> shadowPredictions(String key) {
        return shadowPredictions.stream().filter(p -> key.equals(p.key())).toList();
    }

    /** Waits for a shadow answer to each key; returns them in the order of {@code keys}. */
    public List<Output<RegionPrediction>> awaitShadowPredictions(List<String> keys) {
        return keys.stream().map(key -> await(shadowPredictions, p -> key.equals(p.key()), "shadow prediction " + key))
                .toList();
    }

    /** The answers for a capture group, on panorama-predictions, in the order they came. */
    public List<Output<PanoramaPrediction>> panoramaPredictions(String groupId) {
        return panoramaPredictions.stream().filter(p -> groupId.equals(p.key())).toList();
    }

    /** Answers for capture groups read so far. */
    public int panoramaCount() {
        return panoramaPredictions.size();
    }

    public List<Output<DeadLetter>> deadLetters(String key) {
        return deadLetters.stream().filter(p -> key.equals(p.key())).toList();
    }

    private <T> Output<T> await(List<Output<T>> outputs, Predicate<Output<T>> match, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (Output<T> output : outputs) {
                if (match.test(output)) {
                    return output;
                }
            }
            sleep();
        }
        throw new AssertionError(what + " did not arrive within 60 s");
    }

    @SuppressWarnings("unchecked")
    private void read() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "topic-probe-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.REGION_PREDICTIONS, Topics.DEAD_LETTERS, Topics.SHADOW_PREDICTIONS,
                    Topics.PANORAMA_PREDICTIONS));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                    Object value = serde.deserializer().deserialize(record.topic(), record.value());
                    if (record.topic().equals(Topics.SHADOW_PREDICTIONS)) {
                        shadowPredictions.add(new Output<>(key, record.partition(), record.offset(),
                                (RegionPrediction) value, record.headers(), System.currentTimeMillis()));
                    } else if (value instanceof PanoramaPrediction panorama) {
                        panoramaPredictions.add(new Output<>(key, record.partition(), record.offset(), panorama,
                                record.headers(), System.currentTimeMillis()));
                    } else if (value instanceof RegionPrediction prediction) {
                        predictions.add(new Output<>(key, record.partition(), record.offset(), prediction,
                                record.headers(), System.currentTimeMillis()));
                    } else {
                        deadLetters.add(new Output<>(key, record.partition(), record.offset(), (DeadLetter) value,
                                record.headers(), System.currentTimeMillis()));
                    }
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
        running.set(false);
        reader.join(5000);
        producer.close();
    }

    public static List<String> ids(String prefix, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(prefix + "-" + i);
        }
        return ids;
    }
}
