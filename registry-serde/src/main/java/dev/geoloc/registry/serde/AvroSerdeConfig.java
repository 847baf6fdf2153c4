package dev.geoloc.registry.serde;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

/**
 * The serde's own settings, under Confluent's keys; the registry connection is read by
 * {@link dev.geoloc.registry.RegistryClientConfig} from the same map.
 *
 * @param autoRegister     {@code auto.register.schemas}: register the writer schema on first use (default
 *                         true); when false it must already be registered under the subject
 * @param subjectStrategy  {@code key.subject.name.strategy} or {@code value.subject.name.strategy}
 * @param specificReader   {@code specific.avro.reader}: deserialize into generated classes (default false:
 *                         {@code GenericRecord})
 */
public record AvroSerdeConfig(boolean autoRegister, SubjectNameStrategy subjectStrategy, boolean specificReader) {

    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    public static AvroSerdeConfig from(Map<String, ?> configs, boolean isKey) {
        String strategyKey = isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY;
        Object strategy = configs.get(strategyKey);
        return new AvroSerdeConfig(
                bool(configs, AUTO_REGISTER_SCHEMAS, true),
                strategy == null ? SubjectNameStrategy.TOPIC_NAME
                        : SubjectNameStrategy.fromConfig(strategyKey, strategy instanceof Class<?> c ? c.getName()
                                : strategy.toString()),
                bool(configs, SPECIFIC_AVRO_READER, false));
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean defaultValue) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (value.toString().trim().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, value, "must be true or false");
        };
    }
}
