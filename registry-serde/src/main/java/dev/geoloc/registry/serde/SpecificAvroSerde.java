package dev.geoloc.registry.serde;

import java.util.HashMap;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import dev.geoloc.registry.SchemaRegistryClient;

/**
 * A Serde for generated Avro classes in the Confluent wire format. It takes the same configuration as
 * Confluent's {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde}, so either can be configured
 * by class name (see {@link SerdeFactory}).
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private SchemaRegistryClient registry;
    private AvroSerializer<T> serializer;
    private AvroDeserializer<T> deserializer;

    /** For Kafka and {@link SerdeFactory}: the registry client is created in {@link #configure}. */
    public SpecificAvroSerde() {
    }

    /** Uses an existing registry client (and its cache). */
    public SpecificAvroSerde(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> specific = new HashMap<>(configs);
        specific.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        if (registry == null) {
            registry = SchemaRegistryClient.fromConfig(specific);
        }
        // One client for both halves: one cache, one connection pool.
        serializer = new AvroSerializer<>(registry);
        serializer.configure(specific, isKey);
        deserializer = new AvroDeserializer<>(registry);
        deserializer.configure(specific, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        requireConfigured();
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        requireConfigured();
        return deserializer;
    }

    private void requireConfigured() {
        if (serializer == null) {
            throw new IllegalStateException("SpecificAvroSerde used before configure()");
        }
    }
}
