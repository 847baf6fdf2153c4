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

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    public SpecificAvroSerde() {
        this.serializer = new AvroSerializer<>();
        this.deserializer = new AvroDeserializer<>();
    }

    /** Shares an existing registry client between serializer and deserializer. */
    public SpecificAvroSerde(SchemaRegistryClient registry) {
        this.serializer = new AvroSerializer<>(registry);
        this.deserializer = new AvroDeserializer<>(registry);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> specific = new HashMap<>(configs);
        specific.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        serializer.configure(specific, isKey);
        deserializer.configure(specific, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
