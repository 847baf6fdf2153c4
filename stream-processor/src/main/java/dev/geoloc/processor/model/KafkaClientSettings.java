package dev.geoloc.processor.model;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.Config;

/**
 * Settings for the processor's own Kafka clients (the version follower, the status reporter): the same broker
 * and security settings Kafka Streams gets, so one set of {@code kafka-streams.*} settings covers all.
 */
final class KafkaClientSettings {

    private static final String PREFIX = "kafka-streams.";

    private KafkaClientSettings() {
    }

    /** The {@code kafka-streams.*} settings that {@code clientConfigNames} knows, and the bootstrap servers. */
    static Map<String, Object> from(Config config, Set<String> clientConfigNames) {
        Map<String, Object> settings = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PREFIX) && clientConfigNames.contains(name.substring(PREFIX.length()))) {
                config.getOptionalValue(name, String.class).ifPresent(value -> settings.put(name.substring(PREFIX.length()), value));
            }
        }
        settings.put("bootstrap.servers", config.getValue("quarkus.kafka-streams.bootstrap-servers", String.class));
        return settings;
    }
}
