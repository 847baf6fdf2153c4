package dev.geoloc.registry.serde;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

import dev.geoloc.registry.BoundedCache;
import dev.geoloc.registry.SchemaRegistryClient;
import dev.geoloc.registry.SchemaRegistryException;
import dev.geoloc.registry.serde.AvroSerdeException.Reason;

/**
 * Reads Avro records in the Confluent wire format, fetching each writer schema once by its id.
 *
 * <p>With {@code specific.avro.reader=true} it returns the generated class named by the writer schema, read
 * through that class's own schema, so that records written with an older or newer compatible schema resolve
 * into the version this program was built with. Otherwise it returns {@code GenericRecord}s in the writer
 * schema. Failures are {@link AvroSerdeException}s whose {@link Reason} tells bad data from a registry outage.
 */
public class AvroDeserializer<T> implements Deserializer<T> {

    private SchemaRegistryClient registry;
    private AvroSerdeConfig config;
    private List<ClassLoader> classLoaders;
    /** Per writer schema id; bounded, since records may name any number of ids. */
    private final BoundedCache<Integer, DatumReader<Object>> readers = new BoundedCache<>(1000);

    /** For Kafka, which creates deserializers by class name and then calls {@link #configure}. */
    public AvroDeserializer() {
    }

    /** Shares an existing registry client (and its cache) instead of creating one in {@link #configure}. */
    public AvroDeserializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = AvroSerdeConfig.from(configs, isKey);
        // Generated classes may live in a child class loader (application servers, Quarkus dev mode), or the
        // context class loader may hold copies that do not see this serde's Avro (Quarkus tests): try both.
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        this.classLoaders = context == null ? List.of(getClass().getClassLoader())
                : List.of(context, getClass().getClassLoader());
        if (registry == null) {
            registry = SchemaRegistryClient.fromConfig(configs);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] payload) {
        if (payload == null) {
            return null;
        }
        if (config == null) {
            throw new IllegalStateException("AvroDeserializer used before configure()");
        }
        int id = WireFormat.schemaId(payload);
        DatumReader<Object> reader = readers.get(id);
        if (reader == null) {
            Schema writer = writerSchema(topic, id);
            try {
                reader = readerFor(id, writer);
            } catch (RuntimeException e) {
                if (e instanceof AvroSerdeException) {
                    throw e;
                }
                throw new AvroSerdeException(Reason.UNKNOWN_RECORD_TYPE, "Writer schema id " + id + " is "
                        + writer.getFullName() + ", which cannot be read into a generated class: " + e, e);
            }
            readers.putIfAbsent(id, reader);
        }
        var decoder = new BoundedDecoder(payload, WireFormat.HEADER_LENGTH, payload.length - WireFormat.HEADER_LENGTH);
        try {
            Object record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException("bytes are left over after the record: it was not written with schema id " + id);
            }
            return (T) record;
        } catch (IOException | RuntimeException e) {
            throw new AvroSerdeException(Reason.MALFORMED_PAYLOAD, "Record of " + payload.length
                    + " bytes from topic " + topic + " does not decode with its writer schema (id " + id + "): "
                    + e, e);
        }
    }

    private Schema writerSchema(String topic, int id) {
        try {
            return registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            Reason reason = switch (e.kind()) {
                case UNREACHABLE, TLS_FAILURE, SERVER_ERROR -> Reason.REGISTRY_UNAVAILABLE;
                case SCHEMA_NOT_FOUND -> Reason.UNKNOWN_SCHEMA_ID;
                // The record names a schema that exists but is no Avro this serde reads: a data problem.
                case INVALID_SCHEMA -> Reason.UNUSABLE_SCHEMA;
                default -> Reason.REGISTRY_REFUSED;
            };
            throw new AvroSerdeException(reason, "Record from topic " + topic + " names writer schema id " + id
                    + ", which could not be fetched: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private DatumReader<Object> readerFor(int id, Schema writer) {
        if (!config.specificReader()) {
            return (DatumReader<Object>) (DatumReader<?>) new GenericDatumReader<>(writer, writer, GenericData.get());
        }
        Class<?> generated = writer.getType() == Schema.Type.RECORD ? generatedClass(writer) : null;
        if (generated == null) {
            throw new AvroSerdeException(Reason.UNKNOWN_RECORD_TYPE, "Writer schema id " + id + " is "
                    + writer.getFullName() + ", which has no generated class on the classpath");
        }
        // Nested records must come from the generated class's own loader, and its model's logical-type
        // conversions (timestamps inside unions) must apply: Avro's per-class model would look nested
        // classes up through whatever context class loader the reading thread happens to have.
        SpecificData model = new SpecificData(generated.getClassLoader());
        SpecificData.getForClass(generated).getConversions().forEach(model::addLogicalTypeConversion);
        return new SpecificDatumReader<>(writer, model.getSchema(generated), model);
    }

    /**
     * The generated class for a record schema, if any: a concrete SpecificRecord this serde sees that declares its
     * own schema. The writer names the class, so it may name any class: Avro's abstract SpecificRecordBase, say,
     * which Avro would refuse with an exception of its own, on whatever thread reads.
     */
    private Class<?> generatedClass(Schema record) {
        String name = SpecificData.getClassName(record);
        for (ClassLoader loader : classLoaders) {
            try {
                Class<?> candidate = Class.forName(name, false, loader);
                if (SpecificRecord.class.isAssignableFrom(candidate) && !candidate.isInterface()
                        && !java.lang.reflect.Modifier.isAbstract(candidate.getModifiers())
                        && declaresSchema(candidate)) {
                    return candidate;
                }
            } catch (ClassNotFoundException notInThisLoader) {
                // try the next loader
            }
        }
        return null;
    }

    /** Generated classes carry their schema in a static SCHEMA$ field. */
    private static boolean declaresSchema(Class<?> candidate) {
        try {
            java.lang.reflect.Field field = candidate.getDeclaredField("SCHEMA$");
            return java.lang.reflect.Modifier.isStatic(field.getModifiers()) && field.getType() == Schema.class;
        } catch (NoSuchFieldException e) {
            return false;
        }
    }
}
