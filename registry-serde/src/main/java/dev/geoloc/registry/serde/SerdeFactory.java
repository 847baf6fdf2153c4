package dev.geoloc.registry.serde;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;

/**
 * Creates and configures a Serde named by a configuration setting, so that a deployment can swap this
 * project's {@link SpecificAvroSerde} for Confluent's {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde}
 * (or another registry's) without a code change: both take the same keys.
 */
public final class SerdeFactory {

    private SerdeFactory() {
    }

    /**
     * @param setting   the configuration key that named the class, for error messages
     * @param className a class with a public no-argument constructor that implements {@link Serde}
     */
    @SuppressWarnings("unchecked")
    public static <T> Serde<T> create(String setting, String className, Map<String, ?> configs, boolean isKey) {
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(className, true, loader != null ? loader : SerdeFactory.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ConfigException(setting, className, "no such class on the classpath");
        }
        if (!Serde.class.isAssignableFrom(type)) {
            throw new ConfigException(setting, className, "not a " + Serde.class.getName());
        }
        Serde<T> serde;
        try {
            serde = (Serde<T>) type.getConstructor().newInstance();
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
            throw new ConfigException(setting, className, "needs a public no-argument constructor");
        } catch (InvocationTargetException e) {
            throw new ConfigException(setting, className, "its constructor failed: " + e.getCause());
        }
        serde.configure(configs, isKey);
        return serde;
    }
}
