package dev.geoloc.processor.serde;

import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the processor (de)serializes Avro records and reaches the schema registry. */
@ConfigMapping(prefix = "geoloc.serde")
public interface SerdeConfig {

    /**
     * The Serde class for Avro values: this project's {@code dev.geoloc.registry.serde.SpecificAvroSerde}, or
     * Confluent's {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde} when its jars are on the
     * classpath; both read the same settings.
     */
    @WithDefault("dev.geoloc.registry.serde.SpecificAvroSerde")
    String avroSerde();

    /** The registry's Confluent-compatible base URL ({@code schema.registry.url}). */
    String schemaRegistryUrl();

    /** Register writer schemas on first use ({@code auto.register.schemas}). */
    @WithDefault("true")
    boolean autoRegisterSchemas();

    /**
     * Further serde and registry settings under Confluent's keys, passed through unchanged, e.g.
     * {@code geoloc.serde.config."basic.auth.credentials.source"=USER_INFO}.
     */
    Map<String, String> config();
}
