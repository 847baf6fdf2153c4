package dev.geoloc.registry.serde;

import java.util.Arrays;

import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/** How a record's topic and schema name the registry subject, as Confluent's three strategies do. */
public enum SubjectNameStrategy {

    /** {@code <topic>-key} / {@code <topic>-value}: one record type per topic (Confluent's default). */
    TOPIC_NAME("TopicNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + (isKey ? "-key" : "-value");
        }
    },
    /** The record's full name: one subject per type, whatever the topic. */
    RECORD_NAME("RecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return schema.getFullName();
        }
    },
    /** {@code <topic>-<record full name>}: several types per topic. */
    TOPIC_RECORD_NAME("TopicRecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return topic + "-" + schema.getFullName();
        }
    };

    private final String confluentName;

    SubjectNameStrategy(String confluentName) {
        this.confluentName = confluentName;
    }

    public abstract String subject(String topic, boolean isKey, Schema schema);

    /**
     * The strategy named by a configuration value: Confluent's class name (with or without its package, as
     * in {@code io.confluent.kafka.serializers.subject.TopicNameStrategy}) or this enum's constant name.
     */
    public static SubjectNameStrategy fromConfig(String key, String value) {
        String simpleName = value.substring(value.lastIndexOf('.') + 1).trim();
        return Arrays.stream(values())
                .filter(s -> s.confluentName.equals(simpleName) || s.name().equalsIgnoreCase(simpleName))
                .findFirst()
                .orElseThrow(() -> new ConfigException(key, value,
                        "supported: TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy"));
    }
}
