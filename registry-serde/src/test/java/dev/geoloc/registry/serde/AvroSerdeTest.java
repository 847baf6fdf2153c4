package dev.geoloc.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.RegistryGateway;
import dev.geoloc.registry.SchemaRegistryClient;
import dev.geoloc.registry.serde.AvroSerdeException.Reason;
import dev.geoloc.registry.testing.Position;
import dev.geoloc.registry.testing.Reading;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.StreamingStackExtension;

/** The serde in the Confluent wire format against a real registry: records, evolution, every failure. */
@ExtendWith(StreamingStackExtension.class)
class AvroSerdeTest {

    /** {@link Reading} before version 2 added the optional {@code note}. */
    static final Schema READING_V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Reading","namespace":"dev.geoloc.registry.testing","fields":[
              {"name":"sensor","type":"string"},
              {"name":"value","type":"double"},
              {"name":"position","type":{"type":"record","name":"Position","fields":[
                {"name":"x","type":"double"},{"name":"y","type":"double"}]},"default":{"x":0.0,"y":0.0}},
              {"name":"taken_at","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"blob","type":"bytes"},
              {"name":"labels","type":{"type":"map","values":"string"},"default":{}},
              {"name":"samples","type":{"type":"array","items":"int"},"default":[]}]}""");

    private final StreamingStack stack;
    private final String topic = "serde-test-" + UUID.randomUUID();

    AvroSerdeTest(StreamingStack stack) {
        this.stack = stack;
    }

    @Test
    void aGeneratedRecordRoundTripsInTheWireFormat() {
        SpecificAvroSerde<Reading> serde = specificSerde(false);
        Reading reading = reading("north-7");

        byte[] payload = serde.serializer().serialize(topic, reading);

        int registeredId = registry().latest(topic + "-value").id();
        assertThat(payload[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(ByteBuffer.wrap(payload, 1, 4).getInt()).isEqualTo(registeredId);
        assertThat(serde.deserializer().deserialize(topic, payload)).isEqualTo(reading);
    }

    @Test
    void keysAndOtherStrategiesNameTheirOwnSubjects() {
        SpecificAvroSerde<Reading> keySerde = specificSerde(true);
        Map<String, Object> byRecordName = config();
        byRecordName.put(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy");
        SpecificAvroSerde<Reading> topicRecordSerde = new SpecificAvroSerde<>();
        topicRecordSerde.configure(byRecordName, false);

        keySerde.serializer().serialize(topic, reading("k"));
        topicRecordSerde.serializer().serialize(topic, reading("v"));

        assertThat(registry().latest(topic + "-key").version()).isEqualTo(1);
        assertThat(registry().latest(topic + "-dev.geoloc.registry.testing.Reading").version()).isEqualTo(1);
    }

    @Test
    void recordsWrittenWithTheOlderSchemaReadIntoTheNewClass() {
        GenericRecord old = new GenericData.Record(READING_V1);
        old.put("sensor", "south-2");
        old.put("value", 3.5);
        GenericRecord position = new GenericData.Record(READING_V1.getField("position").schema());
        position.put("x", 1.0);
        position.put("y", 2.0);
        old.put("position", position);
        old.put("taken_at", 1_700_000_000_000L);
        old.put("blob", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        old.put("labels", Map.of("k", "v"));
        old.put("samples", List.of(4, 5));
        AvroSerializer<GenericRecord> oldWriter = new AvroSerializer<>();
        oldWriter.configure(config(), false);

        byte[] payload = oldWriter.serialize(topic, old);
        Reading read = specificSerde(false).deserializer().deserialize(topic, payload);

        assertThat(read.getSensor()).isEqualTo("south-2");
        assertThat(read.getTakenAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(read.getSamples()).containsExactly(4, 5);
        assertThat(read.getNote()).isNull();
        assertThat(read.getCalibratedAt()).isNull();
        // The new class's schema is a compatible next version of the subject.
        specificSerde(false).serializer().serialize(topic, reading("after"));
        assertThat(registry().latest(topic + "-value").version()).isEqualTo(2);
    }

    @Test
    void aForeignContextClassLoaderDoesNotLeakIntoRecords() throws Exception {
        SpecificAvroSerde<Reading> writer = specificSerde(false);
        Reading reading = reading("isolated");
        byte[] payload = writer.serializer().serialize(topic, reading);
        // A context class loader with its own copies of Avro and the generated classes, as in Quarkus tests.
        URL[] copies = {Reading.class.getProtectionDomain().getCodeSource().getLocation(),
                Schema.class.getProtectionDomain().getCodeSource().getLocation()};
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (URLClassLoader foreign = new URLClassLoader(copies, null)) {
            thread.setContextClassLoader(foreign);
            SpecificAvroSerde<Reading> reader = specificSerde(false);

            Object read = reader.deserializer().deserialize(topic, payload);

            assertThat(read).isInstanceOf(Reading.class).isEqualTo(reading);
            assertThat(((Reading) read).getPosition()).isInstanceOf(Position.class);
        } finally {
            thread.setContextClassLoader(original);
        }
    }

    @Test
    void withoutTheSpecificReaderRecordsComeBackGenericInTheWriterSchema() {
        byte[] payload = specificSerde(false).serializer().serialize(topic, reading("g"));
        AvroDeserializer<GenericRecord> generic = new AvroDeserializer<>();
        generic.configure(config(), false);

        GenericRecord record = generic.deserialize(topic, payload);

        assertThat(record).isNotInstanceOf(Reading.class);
        assertThat(record.get("sensor").toString()).isEqualTo("g");
        assertThat(record.getSchema()).isEqualTo(Reading.getClassSchema());
    }

    @Test
    void nullIsATombstoneBothWays() {
        SpecificAvroSerde<Reading> serde = specificSerde(false);

        assertThat(serde.serializer().serialize(topic, null)).isNull();
        assertThat(serde.deserializer().deserialize(topic, null)).isNull();
    }

    @Test
    void bytesThatAreNotTheWireFormatAreRefused() {
        SpecificAvroSerde<Reading> serde = specificSerde(false);

        assertRefused(() -> serde.deserializer().deserialize(topic, "{\"json\":1}".getBytes()),
                Reason.NOT_WIRE_FORMAT, "magic byte 0x7b");
        assertRefused(() -> serde.deserializer().deserialize(topic, new byte[0]),
                Reason.NOT_WIRE_FORMAT, "shorter than");
    }

    @Test
    void anUnknownSchemaIdIsRefused() {
        byte[] payload = withBody(WireFormat.header(876_543), new byte[] {2, 'x'});

        assertRefused(() -> specificSerde(false).deserializer().deserialize(topic, payload),
                Reason.UNKNOWN_SCHEMA_ID, "876543");
    }

    @Test
    void truncatedCorruptAndPaddedPayloadsAreMalformed() {
        SpecificAvroSerde<Reading> serde = specificSerde(false);
        byte[] payload = serde.serializer().serialize(topic, reading("m"));
        byte[] header = Arrays.copyOf(payload, WireFormat.HEADER_LENGTH);

        assertRefused(() -> serde.deserializer().deserialize(topic, Arrays.copyOf(payload, payload.length - 3)),
                Reason.MALFORMED_PAYLOAD, "does not decode");
        // A string length of 2^31 - 1: Avro alone would try to allocate 2 GB here.
        assertRefused(() -> serde.deserializer().deserialize(topic,
                withBody(header, new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f})),
                Reason.MALFORMED_PAYLOAD, "claims 2147483647 bytes");
        assertRefused(() -> serde.deserializer().deserialize(topic, withBody(payload, new byte[] {0, 0})),
                Reason.MALFORMED_PAYLOAD, "left over");
    }

    @Test
    void aWriterSchemaNamingAClassThatIsNoGeneratedRecordIsAnUnknownRecordType() {
        // Avro's own abstract base class: a SpecificRecord, but with no schema of its own to read into
        Schema impostor = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"SpecificRecordBase\","
                + "\"namespace\":\"org.apache.avro.specific\",\"fields\":[]}");
        AvroSerializer<GenericRecord> writer = new AvroSerializer<>();
        writer.configure(config(), false);
        byte[] payload = writer.serialize(topic + "-impostor", new GenericData.Record(impostor));

        assertRefused(() -> specificSerde(false).deserializer().deserialize(topic, payload),
                Reason.UNKNOWN_RECORD_TYPE, "org.apache.avro.specific.SpecificRecordBase");
    }

    @Test
    void aWriterSchemaWithoutGeneratedClassIsAnUnknownRecordType() {
        Schema stranger = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"Stranger\",\"namespace\":\"nowhere\",\"fields\":[]}");
        AvroSerializer<GenericRecord> writer = new AvroSerializer<>();
        writer.configure(config(), false);
        byte[] payload = writer.serialize(topic + "-stranger", new GenericData.Record(stranger));

        assertRefused(() -> specificSerde(false).deserializer().deserialize(topic, payload),
                Reason.UNKNOWN_RECORD_TYPE, "nowhere.Stranger");
    }

    @Test
    void withoutAutoRegistrationOnlyRegisteredSchemasAreWritten() {
        Map<String, Object> noAutoRegister = config();
        noAutoRegister.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
        SpecificAvroSerde<Reading> serde = new SpecificAvroSerde<>();
        serde.configure(noAutoRegister, false);

        assertRefused(() -> serde.serializer().serialize(topic, reading("n")),
                Reason.SCHEMA_NOT_REGISTERED, topic + "-value");

        int id = registry().register(topic + "-value", Reading.getClassSchema());
        byte[] payload = serde.serializer().serialize(topic, reading("n"));
        assertThat(WireFormat.schemaId(payload)).isEqualTo(id);
    }

    @Test
    void anIncompatibleWriterSchemaIsRefused() {
        specificSerde(false).serializer().serialize(topic, reading("first"));
        Schema breaking = new Schema.Parser().parse("""
                {"type":"record","name":"Reading","namespace":"dev.geoloc.registry.testing","fields":[
                  {"name":"sensor","type":"string"},{"name":"unit","type":"string"}]}""");
        GenericRecord record = new GenericData.Record(breaking);
        record.put("sensor", "x");
        record.put("unit", "km");
        AvroSerializer<GenericRecord> writer = new AvroSerializer<>();
        writer.configure(config(), false);

        assertRefused(() -> writer.serialize(topic, record), Reason.INCOMPATIBLE_SCHEMA, topic + "-value");
    }

    @Test
    void aRegistryOutageIsUnavailableNotBadData() {
        byte[] payload = specificSerde(false).serializer().serialize(topic, reading("o"));
        AvroDeserializer<Reading> cutOff = new AvroDeserializer<>();
        cutOff.configure(Map.of(RegistryClientConfig.URL, "http://127.0.0.1:1",
                RegistryClientConfig.MAX_RETRIES, "1", RegistryClientConfig.RETRIES_WAIT_MS, "10",
                AvroSerdeConfig.SPECIFIC_AVRO_READER, "true"), false);

        assertRefused(() -> cutOff.deserialize(topic, payload), Reason.REGISTRY_UNAVAILABLE, "after 2 attempts");
    }

    @Test
    void eachSchemaCostsOneRegistryCallPerClient() throws Exception {
        try (var gateway = RegistryGateway.plain(stack.schemaRegistryUrl())) {
            Map<String, Object> viaGateway = config();
            viaGateway.put(RegistryClientConfig.URL, gateway.url());
            SpecificAvroSerde<Reading> writer = new SpecificAvroSerde<>();
            writer.configure(viaGateway, false);
            SpecificAvroSerde<Reading> reader = new SpecificAvroSerde<>();
            reader.configure(viaGateway, false);

            for (int i = 0; i < 50; i++) {
                reader.deserializer().deserialize(topic, writer.serializer().serialize(topic, reading("c" + i)));
            }

            assertThat(gateway.requests("POST /subjects/")).isEqualTo(1);
            assertThat(gateway.requests("GET /schemas/ids/")).isEqualTo(1);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "HTTP {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {404, 400, 422})
    void aGatewaysAnswerWithoutAConfluentErrorCodeIsAnUnknownSchemaNotAnOutage(int status) throws Exception {
        byte[] payload = specificSerde(false).serializer().serialize(topic, reading("g"));
        try (var gateway = RegistryGateway.plain(stack.schemaRegistryUrl())) {
            Map<String, Object> viaGateway = config();
            viaGateway.put(RegistryClientConfig.URL, gateway.url());
            viaGateway.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, "true");
            AvroDeserializer<Reading> reader = new AvroDeserializer<>();
            reader.configure(viaGateway, false);
            gateway.answerNext(status, "<html><body><h1>" + status + "</h1>nginx</body></html>");

            assertRefused(() -> reader.deserialize(topic, payload), Reason.UNKNOWN_SCHEMA_ID, String.valueOf(status));
        }
    }

    @Test
    void anUnknownIdIsAskedForOnceAMinuteNotOncePerRecord() throws Exception {
        byte[] payload = withBody(WireFormat.header(876_544), new byte[] {2, 'x'});
        try (var gateway = RegistryGateway.plain(stack.schemaRegistryUrl())) {
            Map<String, Object> viaGateway = config();
            viaGateway.put(RegistryClientConfig.URL, gateway.url());
            AvroDeserializer<Reading> reader = new AvroDeserializer<>();
            reader.configure(viaGateway, false);

            for (int i = 0; i < 20; i++) {
                assertRefused(() -> reader.deserialize(topic, payload), Reason.UNKNOWN_SCHEMA_ID, "876544");
            }

            assertThat(gateway.requests("GET /schemas/ids/")).isEqualTo(1);
        }
    }

    private SpecificAvroSerde<Reading> specificSerde(boolean isKey) {
        SpecificAvroSerde<Reading> serde = new SpecificAvroSerde<>();
        serde.configure(config(), isKey);
        return serde;
    }

    private Map<String, Object> config() {
        return new HashMap<>(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()));
    }

    private SchemaRegistryClient registry() {
        return SchemaRegistryClient.fromConfig(config());
    }

    private static Reading reading(String sensor) {
        return Reading.newBuilder()
                .setSensor(sensor)
                .setValue(21.5)
                .setPosition(new Position(1.5, -2.0))
                .setTakenAt(Instant.ofEpochMilli(1_764_000_000_123L))
                .setBlob(ByteBuffer.wrap(new byte[] {(byte) 0xff, 0, 42}))
                .setLabels(Map.of("site", "lab"))
                .setSamples(List.of(1, 2, 3))
                .setNote("v2")
                .setCalibratedAt(Instant.ofEpochMilli(1_763_000_000_000L))
                .build();
    }

    private static byte[] withBody(byte[] prefix, byte[] body) {
        byte[] payload = Arrays.copyOf(prefix, prefix.length + body.length);
        System.arraycopy(body, 0, payload, prefix.length, body.length);
        return payload;
    }

    private static void assertRefused(Runnable call, Reason reason, String messagePart) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(AvroSerdeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(messagePart);
    }
}
