package dev.geoloc.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(StreamingStackExtension.class)
class StreamingStackTest {

    private static final String SCHEMA_V1 =
            "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
    private static final String SCHEMA_WITH_REQUIRED_FIELD =
            "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                    + "{\"name\":\"b\",\"type\":\"int\"}]}";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void brokerDeliversWhatWasProduced(StreamingStack stack) {
        stack.createTopics(new NewTopic("stack-probe", 1, (short) 1));

        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("stack-probe", "key", "hello")).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "stack-probe",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("stack-probe"));
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            for (int polls = 0; records.isEmpty() && polls < 20; polls++) {
                records = consumer.poll(Duration.ofMillis(500));
            }
            assertThat(records).extracting(r -> r.key() + "=" + r.value()).containsExactly("key=hello");
        }
    }

    @Test
    void registryEnforcesBackwardCompatibilityLikeConfluent(StreamingStack stack) throws Exception {
        String subject = stack.schemaRegistryUrl() + "/subjects/stack-probe-value/versions";

        HttpResponse<String> first = post(subject, SCHEMA_V1);
        HttpResponse<String> incompatible = post(subject, SCHEMA_WITH_REQUIRED_FIELD);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).matches("\\{\"id\":\\d+}");
        // A new required field cannot read old records: BACKWARD refuses it with Confluent's error code.
        assertThat(incompatible.statusCode()).isEqualTo(409);
        assertThat(incompatible.body()).contains("\"error_code\":409");
    }

    private HttpResponse<String> post(String url, String schema) throws Exception {
        String body = "{\"schema\":" + quote(schema) + "}";
        return http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String quote(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
