package dev.geoloc.stack;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A running Kafka broker and Confluent-compatible schema registry for integration tests.
 *
 * <p>Tests depend on this interface, not on how the servers run: {@link LocalStreamingStack} starts an
 * in-JVM KRaft broker and an Apicurio Registry child process; a container-based stack only has to supply
 * the two addresses.
 */
public interface StreamingStack {

    /** The broker's {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Base URL of the registry's Confluent-compatible REST API: a client's {@code schema.registry.url}. */
    String schemaRegistryUrl();

    /** Creates the topics that do not exist yet and returns once the broker has them. */
    default void createTopics(NewTopic... topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            for (var created : admin.createTopics(List.of(topics)).values().entrySet()) {
                try {
                    created.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + created.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Topic creation timed out", e);
        }
    }
}
