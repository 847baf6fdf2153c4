package dev.geoloc.registry.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

import dev.geoloc.registry.SchemaRegistryClient;
import dev.geoloc.registry.SchemaRegistryException;
import dev.geoloc.registry.serde.AvroSerdeException.Reason;

/**
 * Writes Avro records (generated or generic) in the Confluent wire format, registering the writer schema
 * under the subject that {@link SubjectNameStrategy} names, or looking up its id when
 * {@code auto.register.schemas=false}.
 */
public class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

    private SchemaRegistryClient registry;
    private AvroSerdeConfig config;
    private boolean isKey;
    /** Generated records need their class's model (logical types); generic ones the generic model. */
    private final Map<Schema, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();

    /** For Kafka, which creates serializers by class name and then calls {@link #configure}. */
    public AvroSerializer() {
    }

    /** Shares an existing registry client (and its cache) instead of creating one in {@link #configure}. */
    public AvroSerializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = AvroSerdeConfig.from(configs, isKey);
        this.isKey = isKey;
        if (registry == null) {
            registry = SchemaRegistryClient.fromConfig(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("AvroSerializer used before configure()");
        }
        Schema schema = data.getSchema();
        String subject = config.subjectStrategy().subject(topic, isKey, schema);
        int id = schemaId(subject, schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(WireFormat.header(id));
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writerFor(schema, data).write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new AvroSerdeException(Reason.MALFORMED_PAYLOAD, "Could not encode a " + schema.getFullName()
                    + " for topic " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private int schemaId(String subject, Schema schema) {
        try {
            return config.autoRegister() ? registry.register(subject, schema) : registry.idOf(subject, schema);
        } catch (SchemaRegistryException e) {
            Reason reason = switch (e.kind()) {
                case UNREACHABLE, TLS_FAILURE, SERVER_ERROR -> Reason.REGISTRY_UNAVAILABLE;
                case INCOMPATIBLE_SCHEMA -> Reason.INCOMPATIBLE_SCHEMA;
                case SCHEMA_NOT_FOUND, SUBJECT_NOT_FOUND, VERSION_NOT_FOUND -> Reason.SCHEMA_NOT_REGISTERED;
                default -> Reason.REGISTRY_REFUSED;
            };
            String action = config.autoRegister() ? "register" : "find (auto.register.schemas=false)";
            throw new AvroSerdeException(reason, "Could not " + action + " the schema of " + schema.getFullName()
                    + " under subject " + subject + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<Object> writerFor(Schema schema, Object data) {
        if (data instanceof SpecificRecord) {
            return specificWriters.computeIfAbsent(schema,
                    s -> new SpecificDatumWriter<>(s, SpecificData.getForClass(data.getClass())));
        }
        return genericWriters.computeIfAbsent(schema,
                s -> (DatumWriter<Object>) (DatumWriter<?>) new GenericDatumWriter<>(s, GenericData.get()));
    }
}
