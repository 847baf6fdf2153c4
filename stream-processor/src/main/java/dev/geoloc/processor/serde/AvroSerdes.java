package dev.geoloc.processor.serde;

import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import dev.geoloc.processor.config.ProcessorConfig;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.AvroSerdeConfig;
import dev.geoloc.registry.serde.SerdeFactory;

/** Creates the configured Avro serde for the processor's topics. */
@ApplicationScoped
public class AvroSerdes {

    private final ProcessorConfig.Serde config;

    AvroSerdes(ProcessorConfig config) {
        this.config = config.serde();
    }

    /** A configured serde for record values of a generated Avro type. */
    public <T extends SpecificRecord> Serde<T> valueSerde() {
        return SerdeFactory.create("geoloc.serde.avro-serde", config.avroSerde(), settings(), false);
    }

    /** The settings a serde receives, under Confluent's keys. */
    Map<String, Object> settings() {
        Map<String, Object> settings = new HashMap<>(config.config());
        settings.put(RegistryClientConfig.URL, config.schemaRegistryUrl());
        settings.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, config.autoRegisterSchemas());
        return settings;
    }
}
