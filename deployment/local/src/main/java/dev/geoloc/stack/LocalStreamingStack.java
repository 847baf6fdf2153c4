package dev.geoloc.stack;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * The in-JVM KRaft broker plus an Apicurio Registry child process, on free ports of 127.0.0.1.
 *
 * <p>{@link #shared()} starts them once per JVM, which for Surefire means once per module's test run, and
 * they stop when the JVM exits. The addresses are kept in system properties, so that code loaded by other
 * class loaders of the same JVM (Quarkus restarts its application for each test profile) finds the same
 * stack; setting those properties by hand points the tests at a stack that runs elsewhere.
 */
public final class LocalStreamingStack implements StreamingStack, AutoCloseable {

    /** System property: bootstrap servers of the test run's stack (outside the processor's geoloc.* settings). */
    public static final String BOOTSTRAP_SERVERS_PROPERTY = "geoloc-stack.bootstrap-servers";
    /** System property: registry URL of the test run's stack. */
    public static final String SCHEMA_REGISTRY_URL_PROPERTY = "geoloc-stack.schema-registry-url";

    private final EmbeddedKafkaBroker broker;
    private final ApicurioRegistryProcess registry;

    private LocalStreamingStack(EmbeddedKafkaBroker broker, ApicurioRegistryProcess registry) {
        this.broker = broker;
        this.registry = registry;
    }

    /** The stack of this JVM, started on first use. */
    public static StreamingStack shared() {
        // One lock for every class loader of the JVM, as the system properties it guards are.
        synchronized (System.class) {
            String bootstrap = System.getProperty(BOOTSTRAP_SERVERS_PROPERTY);
            String registry = System.getProperty(SCHEMA_REGISTRY_URL_PROPERTY);
            if (bootstrap != null && registry != null) {
                return new RunningStack(bootstrap, registry);
            }
            if (bootstrap != null || registry != null) {
                throw new IllegalStateException("Set both " + BOOTSTRAP_SERVERS_PROPERTY + " and "
                        + SCHEMA_REGISTRY_URL_PROPERTY + " to use a running stack, or neither to start one");
            }
            Path workDirectory = Path.of("target", "streaming-stack", "jvm-" + ProcessHandle.current().pid());
            LocalStreamingStack stack = start(workDirectory.toAbsolutePath());
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "streaming-stack-shutdown"));
            System.setProperty(BOOTSTRAP_SERVERS_PROPERTY, stack.bootstrapServers());
            System.setProperty(SCHEMA_REGISTRY_URL_PROPERTY, stack.schemaRegistryUrl());
            return stack;
        }
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
        try {
            return new LocalStreamingStack(broker, registry.join());
        } catch (RuntimeException registryFailed) {
            try {
                broker.close();
            } catch (Exception e) {
                registryFailed.addSuppressed(e);
            }
            throw registryFailed;
        }
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
    public void close() {
        registry.close();
        try {
            broker.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the embedded Kafka broker", e);
        }
    }

    /** A stack that is already running: started by another class loader of this JVM, or elsewhere. */
    private record RunningStack(String bootstrapServers, String schemaRegistryUrl) implements StreamingStack {
    }
}
