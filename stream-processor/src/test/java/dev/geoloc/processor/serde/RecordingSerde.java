package dev.geoloc.processor.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

import dev.geoloc.registry.serde.SpecificAvroSerde;

/** Stands in for another registry's serde class: keeps the settings it was configured with. */
public class RecordingSerde<T extends SpecificRecord> extends SpecificAvroSerde<T> {

    Map<String, Object> configured;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.configured = new java.util.HashMap<String, Object>(configs);
        super.configure(configs, isKey);
    }
}
