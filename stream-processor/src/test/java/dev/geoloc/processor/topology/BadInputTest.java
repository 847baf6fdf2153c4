package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.geoloc.contracts.Topics;
import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.SchemaRegistryClient;
import dev.geoloc.registry.serde.WireFormat;
import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.ImageUri;
import dev.geoloc.stack.LocalStreamingStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every kind of broken event goes to the dead-letter topic with its own code, its exact bytes and its origin,
 * and the stream goes on.
 */
@QuarkusTest
@QuarkusTestResource(StreamingStackResource.class)
class BadInputTest {

    private static TopicProbe probe;

    @BeforeAll
    static void openProbe() {
        probe = new TopicProbe();
    }

    @AfterAll
    static void closeProbe() throws InterruptedException {
        // Nothing refused was also predicted, however late: checked once every answer had time to arrive.
        Thread.sleep(1000);
        assertThat(probe.predictionKeys()).filteredOn(key -> key.startsWith("bad-") && !key.equals("bad-then-good"))
                .isEmpty();
        probe.close();
    }

    private static byte[] jpeg() {
        return TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED, TestImages.BLUE), false);
    }

    /** Sends the bytes and checks the dead letter that comes back: code, origin, key and payload. */
    private static DeadLetter expectDeadLetter(String key, byte[] value, DeadLetterCode code) {
        RecordMetadata sent = probe.sendBytes(key, value);
        DeadLetter letter = probe.awaitDeadLetter(key).value();
        assertThat(letter.getErrorCode()).as(letter.getReason()).isEqualTo(code);
        assertThat(letter.getReason()).isNotBlank();
        assertThat(letter.getSourceTopic()).isEqualTo(Topics.IMAGE_EVENTS);
        assertThat(letter.getSourcePartition()).isEqualTo(sent.partition());
        assertThat(letter.getSourceOffset()).isEqualTo(sent.offset());
        assertThat(StandardCharsets.UTF_8.decode(letter.getKey()).toString()).isEqualTo(key);
        if (value == null) {
            assertThat(letter.getPayload()).isNull();
        } else {
            assertThat(bytes(letter.getPayload())).isEqualTo(value);
        }
        return letter;
    }

    private static DeadLetter expectDeadLetter(String key, ImageEvent event, DeadLetterCode code) {
        return expectDeadLetter(key, probe.serialize(event), code);
    }

    @Test
    void bytesThatAreNotAvro() {
        expectDeadLetter("bad-not-avro", "{\"image_id\": \"x\"}".getBytes(StandardCharsets.UTF_8),
                DeadLetterCode.NOT_WIRE_FORMAT);
    }

    @Test
    void anUnknownSchemaId() {
        byte[] value = concat(WireFormat.header(987_654), new byte[] {2, 4, 6});
        assertThat(expectDeadLetter("bad-schema-id", value, DeadLetterCode.UNKNOWN_SCHEMA).getReason())
                .contains("987654");
    }

    @Test
    void aRecordWithoutTheRequiredImageId() throws IOException {
        // Given a producer whose ImageEvent schema lacks image_id, registered under its own subject
        Schema legacy = SchemaBuilder.record("ImageEvent").namespace("dev.geoloc.schemas").fields()
                .requiredLong("upload_time").requiredString("source_platform").endRecord();
        SchemaRegistryClient registry = SchemaRegistryClient.fromConfig(
                Map.of(RegistryClientConfig.URL, LocalStreamingStack.shared().schemaRegistryUrl()));
        int id = registry.register("legacy-uploader-value", legacy);
        GenericRecord record = new GenericData.Record(legacy);
        record.put("upload_time", 1_700_000_000_000L);
        record.put("source_platform", "legacy");

        DeadLetter letter = expectDeadLetter("bad-missing-id", concat(WireFormat.header(id), avro(legacy, record)),
                DeadLetterCode.MISSING_FIELD);

        assertThat(letter.getReason()).contains("missing required field");
    }

    @Test
    void anAvroBodyCutShort() {
        byte[] whole = probe.serialize(TopicProbe.event("bad-cut", jpeg(), null));
        expectDeadLetter("bad-cut-avro", Arrays.copyOf(whole, 12), DeadLetterCode.MALFORMED_RECORD);
    }

    @Test
    void aTombstone() {
        expectDeadLetter("bad-tombstone", (byte[]) null, DeadLetterCode.MALFORMED_RECORD);
    }

    @Test
    void anEmptyImageId() {
        expectDeadLetter("bad-empty-id", TopicProbe.event("  ", jpeg(), null), DeadLetterCode.MISSING_FIELD);
    }

    @Test
    void anEmptyImage() {
        expectDeadLetter("bad-empty", TopicProbe.event("bad-empty", new byte[0], null), DeadLetterCode.EMPTY_IMAGE);
    }

    @Test
    void aTruncatedJpeg() {
        byte[] image = jpeg();
        expectDeadLetter("bad-truncated", TopicProbe.event("bad-truncated", Arrays.copyOf(image, image.length / 2), null),
                DeadLetterCode.TRUNCATED_IMAGE);
    }

    @Test
    void aPayloadThatIsNoImage() {
        expectDeadLetter("bad-html", TopicProbe.event("bad-html",
                "<html><body>not a photo</body></html>".getBytes(StandardCharsets.UTF_8), null),
                DeadLetterCode.NOT_AN_IMAGE);
    }

    @Test
    void anUnsupportedFormat() {
        // An iPhone's HEIC: its ftyp box, major brand heic, and a little data
        byte[] heic = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1', 'h', 'e',
                'i', 'c', 0, 0, 0, 8, 'm', 'e', 't', 'a'};
        assertThat(expectDeadLetter("bad-heic", TopicProbe.event("bad-heic", heic, null), DeadLetterCode.UNSUPPORTED_FORMAT)
                .getReason()).contains("HEIC").contains("GIF");
    }

    @Test
    void aTiffWhileTiffIsNotAccepted() {
        byte[] tiff = TestImages.resource("/dev/geoloc/imaging/little-endian.tif");
        assertThat(expectDeadLetter("bad-tiff", TopicProbe.event("bad-tiff", tiff, null), DeadLetterCode.UNSUPPORTED_FORMAT)
                .getReason()).contains("accept-tiff");
    }

    @Test
    void aDecompressionBombIsRefusedByItsHeader() {
        // A valid PNG header declaring 100000 x 100000 pixels, and a few bytes of data
        byte[] bomb = TestImages.png(100_000, 100_000, 8, 2, new byte[64]);
        assertThat(expectDeadLetter("bad-bomb", TopicProbe.event("bad-bomb", bomb, null), DeadLetterCode.IMAGE_TOO_LARGE)
                .getReason()).contains("100000 x 100000");
    }

    @Test
    void anOversizedPayload() {
        byte[] big = new byte[StreamingStackResource.MAX_IMAGE_BYTES + 1];
        byte[] image = jpeg();
        System.arraycopy(image, 0, big, 0, image.length);
        expectDeadLetter("bad-oversized", TopicProbe.event("bad-oversized", big, null), DeadLetterCode.PAYLOAD_TOO_LARGE);
    }

    @Test
    void aUriWhileFetchingIsOff() {
        ImageEvent event = TopicProbe.event("bad-uri", jpeg(), null);
        event.setContent(new ImageUri("https://images.example.com/a.jpg"));
        assertThat(expectDeadLetter("bad-uri", event, DeadLetterCode.URI_NOT_ALLOWED).getReason())
                .contains("geoloc.uri.enabled");
    }

    @Test
    void anUploadTimeInMicrosecondsIsRefusedNotOverflowed() {
        ImageEvent event = TopicProbe.event("bad-upload-time", jpeg(), null);
        event.setUploadTime(java.time.Instant.ofEpochMilli(1_700_000_000_000_000L));

        assertThat(expectDeadLetter("bad-upload-time", event, DeadLetterCode.MALFORMED_RECORD).getReason())
                .contains("upload_time");
    }

    @Test
    void aSchemaIdThatNamesNoAvroSchema() throws Exception {
        // Given a JSON Schema registered by another team: its id is valid, but it is no Avro
        String body = "{\"schemaType\": \"JSON\", \"schema\": \"{\\\"$schema\\\": "
                + "\\\"http://json-schema.org/draft-07/schema#\\\", \\\"type\\\": \\\"object\\\"}\"}";
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(LocalStreamingStack.shared().schemaRegistryUrl() + "/subjects/json-team-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        int id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("id").asInt();

        expectDeadLetter("bad-json-schema", concat(WireFormat.header(id), new byte[] {'{', '}'}), DeadLetterCode.UNKNOWN_SCHEMA);
    }

    @Test
    void aWriterSchemaNamingAClassThatIsNoGeneratedRecord() throws IOException {
        // Given a schema named like Avro's abstract base class, which Avro cannot read into
        Schema impostor = SchemaBuilder.record("SpecificRecordBase").namespace("org.apache.avro.specific").fields()
                .requiredString("image_id").endRecord();
        SchemaRegistryClient registry = SchemaRegistryClient.fromConfig(
                Map.of(RegistryClientConfig.URL, LocalStreamingStack.shared().schemaRegistryUrl()));
        int id = registry.register("impostor-value", impostor);
        GenericRecord record = new GenericData.Record(impostor);
        record.put("image_id", "bad-impostor");

        expectDeadLetter("bad-impostor", concat(WireFormat.header(id), avro(impostor, record)), DeadLetterCode.UNKNOWN_SCHEMA);
        probe.send(TopicProbe.event("after-impostor", jpeg(), null));
        assertThat(probe.awaitPrediction("after-impostor").value().getImageId()).isEqualTo("after-impostor");
    }

    @Test
    void aGoodEventAfterABrokenOneOfTheSameKeyIsStillPredicted() {
        probe.sendBytes("bad-then-good", new byte[] {1, 2, 3});
        probe.send(TopicProbe.event("bad-then-good", jpeg(), null));

        assertThat(probe.awaitDeadLetter("bad-then-good").value().getErrorCode()).isEqualTo(DeadLetterCode.NOT_WIRE_FORMAT);
        assertThat(probe.awaitPrediction("bad-then-good").value().getImageId()).isEqualTo("bad-then-good");
    }

    private static byte[] avro(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
