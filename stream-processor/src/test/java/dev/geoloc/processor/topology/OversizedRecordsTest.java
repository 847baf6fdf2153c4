package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.ImageEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Records whose answer would be larger than its topic accepts. Each used to fail its stream thread with
 * RecordTooLargeException, again at every replacement, and stop its partition for good. Each now gets one small
 * dead letter, and the event queued behind it on the same partition is answered, by the same stream thread.
 */
@QuarkusTest
@QuarkusTestResource(StreamingStackResource.class)
class OversizedRecordsTest {

    private static final int MIB = 1024 * 1024;

    private static TopicProbe probe;

    @Inject
    KafkaStreams streams;

    @BeforeAll
    static void openProbe() {
        probe = new TopicProbe();
    }

    @AfterAll
    static void closeProbe() throws InterruptedException {
        probe.close();
    }

    @Test
    void aSmallImageWithATwoMebibyteKey() throws IOException {
        byte[] key = filled(2 * MIB, 'k');

        DeadLetter letter = deadLetterThenTheNextEventFlows(0, key, probe.serialize(TopicProbe.event("huge-key", jpeg(), null)));

        assertThat(letter.getErrorCode()).isEqualTo(DeadLetterCode.OVERSIZED_KEY);
        assertThat(letter.getReason()).contains("2,097,152-byte key").contains("sha256:");
        assertThat(letter.getKey().remaining()).isLessThan(100);
    }

    @Test
    void aTwoMebibyteImageId() throws IOException {
        ImageEvent event = TopicProbe.event(new String(filled(2 * MIB, 'i'), StandardCharsets.US_ASCII), jpeg(), null);

        DeadLetter letter = deadLetterThenTheNextEventFlows(1, "huge-id".getBytes(StandardCharsets.UTF_8),
                probe.serialize(event));

        assertThat(letter.getErrorCode()).isEqualTo(DeadLetterCode.OVERSIZED_FIELD);
        assertThat(letter.getReason()).contains("image_id").hasSizeLessThan(1000);
        assertThat(StandardCharsets.UTF_8.decode(letter.getKey()).toString()).isEqualTo("huge-id");
    }

    @Test
    void anEightMebibyteBrokenImageWithALargeKey() throws IOException {
        // Just under the dead letters' payload limit, so that the payload is copied: with the key twice beside it,
        // the dead letter used to be over the 10 MiB its topic takes.
        byte[] image = new byte[8 * MIB - 4096];
        new Random(12).nextBytes(image);
        image[0] = (byte) 0xFF;
        image[1] = (byte) 0xD8;
        byte[] key = filled(3 * MIB / 2, 'b');

        DeadLetter letter = deadLetterThenTheNextEventFlows(2, key, probe.serialize(TopicProbe.event("big-broken", image, null)));

        assertThat(letter.getErrorCode()).isEqualTo(DeadLetterCode.OVERSIZED_KEY);
        assertThat(letter.getKey().remaining()).isLessThan(100);
    }

    /**
     * Sends the record and then a normal event to the same partition; returns the record's dead letter once the
     * normal event is predicted, having checked that no stream thread was replaced meanwhile.
     */
    private DeadLetter deadLetterThenTheNextEventFlows(int partition, byte[] key, byte[] value) throws IOException {
        List<String> threadsBefore = streamThreads();
        String next = "after-oversized-" + partition;

        RecordMetadata sent = probe.sendBytes(partition, key, value);
        long sentAt = System.nanoTime();
        probe.sendBytes(partition, next.getBytes(StandardCharsets.UTF_8), probe.serialize(TopicProbe.event(next, jpeg(), null)));

        assertThat(probe.awaitPrediction(next).value().getImageId()).isEqualTo(next);
        assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isLessThan(Duration.ofSeconds(30));
        DeadLetter letter = probe.awaitDeadLetterFor(sent).value();
        assertThat(probe.deadLetters(next)).isEmpty();
        assertThat(streamThreads()).as("stream threads, none replaced").isEqualTo(threadsBefore);
        assertThat(DeadLetter.getEncoder().encode(letter).remaining()).isLessThan(value.length + 64 * 1024);
        return letter;
    }

    private List<String> streamThreads() {
        return streams.metadataForLocalThreads().stream().map(ThreadMetadata::threadName).sorted().toList();
    }

    private static byte[] jpeg() {
        return TestImages.jpeg(TestImages.bands(32, 24, TestImages.GREEN, TestImages.BLUE), false);
    }

    private static byte[] filled(int length, char c) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) c);
        return bytes;
    }
}
