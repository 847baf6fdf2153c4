package dev.geoloc.stack;

import org.apache.kafka.clients.admin.NewTopic;

/**
 * A running Kafka broker and Confluent-compatible schema registry for integration tests.
 *
 * <p>Tests depend on this interface, not on how the servers run: {@link LocalStreamingStack} starts an
 * in-JVM KRaft broker and an Apicurio Registry child process; a container-based stack can implement the
 * same three methods.
 */
public interface StreamingStack {

    /** The broker's {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Base URL of the registry's Confluent-compatible REST API: a client's {@code schema.registry.url}. */
    String schemaRegistryUrl();

    /** Creates the topics that do not exist yet and returns once the broker has them. */
    void createTopics(NewTopic... topics);
}
