package dev.geoloc.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The in-JVM KRaft broker plus an Apicurio Registry child process, on free ports of 127.0.0.1.
 *
 * <p>{@link #shared()} starts them once per JVM, which for Surefire means once per module's test run;
 * they stop when the JVM exits.
 */
public final class LocalStreamingStack implements StreamingStack, AutoCloseable {

    private static LocalStreamingStack shared;

    private final EmbeddedKafkaBroker broker;
    private final ApicurioRegistryProcess registry;

    private LocalStreamingStack(EmbeddedKafkaBroker broker, ApicurioRegistryProcess registry) {
        this.broker = broker;
        this.registry = registry;
    }

    /** The stack of this JVM, started on first use. */
    public static synchronized StreamingStack shared() {
        if (shared == null) {
            shared = start(Path.of("target", "streaming-stack").toAbsolutePath());
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "streaming-stack-shutdown"));
        }
        return shared;
    }

    static LocalStreamingStack start(Path workDirectory) {
        ApicurioDistribution distribution = ApicurioDistribution.unpackedByBuild();
        // The registry takes several seconds to boot: start it while the broker formats and starts.
        CompletableFuture<ApicurioRegistryProcess> registry = CompletableFuture.supplyAsync(
                () -> ApicurioRegistryProcess.start(distribution, workDirectory));
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(workDirectory.resolve("kafka"));
        } catch (RuntimeException e) {
            registry.thenAccept(ApicurioRegistryProcess::close);
            throw e;
        }
        return new LocalStreamingStack(broker, registry.join());
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return registry.url();
    }

    @Override
    public void createTopics(NewTopic... topics) {
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

    @Override
    public void close() {
        registry.close();
        try {
            broker.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the embedded Kafka broker", e);
        }
    }
}
