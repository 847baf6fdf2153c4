package dev.geoloc.processor.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.ManagementPort;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TestTopics;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.stack.LocalStreamingStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A partition that stops for good shows as stopped. The stall here is the one that prompted the watchdog: a key
 * cap set above what the predictions topic accepts, so that a record with a 2 MiB key fails its stream thread at
 * every replacement while Kafka Streams stays RUNNING. This profile has topics and a group of its own, so the
 * stuck record stays here.
 */
@QuarkusTest
@TestProfile(StalledPartitionTest.KeyCapAboveTheTopicLimit.class)
class StalledPartitionTest {

    static final String EVENTS = "stall-events";

    private final URL ready = ManagementPort.url("/q/health/ready");
    private final URL live = ManagementPort.url("/q/health/live");
    private final URL metrics = ManagementPort.url("/q/metrics");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aPartitionThatStopsIsNamedByReadinessLivenessAndAMetric() throws Exception {
        // Given a processor that serves partition 0 and is ready
        awaitCheck(ready, check -> check.at("/status").asText().equals("UP"));

        // When a record it cannot answer arrives, with a normal event behind it
        try (KafkaProducer<byte[], byte[]> producer = producer(); TopicProbe events = new TopicProbe()) {
            byte[] key = new byte[2 * 1024 * 1024];
            Arrays.fill(key, (byte) 'k');
            producer.send(new ProducerRecord<>(EVENTS, 0, key, event(events, "stuck"))).get();
            producer.send(new ProducerRecord<>(EVENTS, 0, "behind".getBytes(StandardCharsets.UTF_8), event(events, "behind"))).get();
        }

        // Then readiness goes down naming the partition and its offset; liveness names it and stays up
        JsonNode notReady = awaitCheck(ready, check -> check.at("/status").asText().equals("DOWN"));
        assertThat(notReady.at("/data/stalled_partitions").asText()).contains(EVENTS + "-0 at offset 0 (2 records waiting");
        assertThat(notReady.at("/data/streams_state").asText()).isEqualTo("RUNNING");
        JsonNode stillLive = awaitCheck(live, check -> check.has("data") && check.at("/data").has("stalled_partitions"));
        assertThat(stillLive.at("/status").asText()).isEqualTo("UP");
        assertThat(stillLive.at("/data/stalled_partitions").asText()).contains(EVENTS + "-0");
        String text = get(metrics).body();
        assertThat(text).containsPattern("(?m)^geoloc_partitions_stalled 1\\.0$");
        assertThat(text).containsPattern("(?m)^geoloc_partitions_stall_seconds [1-9]");
    }

    private static byte[] event(TopicProbe serializer, String id) {
        return serializer.serialize(TopicProbe.event(id, TestImages.jpeg(TestImages.bands(32, 24, TestImages.RED), false), null));
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStreamingStack.shared().bootstrapServers());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 11 * 1024 * 1024);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private JsonNode awaitCheck(URL url, java.util.function.Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode check = null;
        while (System.nanoTime() < deadline) {
            check = new ObjectMapper().readTree(get(url).body()).at("/checks/0");
            if (done.test(check)) {
                return check;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("health did not turn as expected within 90 s; last: " + check);
    }

    private HttpResponse<String> get(URL url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Keys up to 4 MiB accepted, above region-predictions' 1 MiB; a stall is reported after 3 s. */
    public static class KeyCapAboveTheTopicLimit implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("geoloc.intake.max-key-bytes", String.valueOf(4 * 1024 * 1024),
                    "geoloc.watchdog.check-interval", "500ms", "geoloc.watchdog.stall-after", "3s",
                    "geoloc.topics.image-events", EVENTS, "geoloc.topics.predictions", "stall-predictions",
                    "geoloc.topics.dead-letters", "stall-dead-letters",
                    "quarkus.kafka-streams.application-id", "geoloc-stall-test");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StreamingStackResource.class), new TestResourceEntry(StallTopics.class));
        }
    }

    /** The profile's own topics, with the limits deployment/topics.conf gives them. */
    public static class StallTopics implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            TestTopics.createStreamTopics(LocalStreamingStack.shared(), EVENTS, "stall-predictions", "stall-dead-letters", 1);
            return Map.of();
        }

        @Override
        public void stop() {
        }
    }
}
