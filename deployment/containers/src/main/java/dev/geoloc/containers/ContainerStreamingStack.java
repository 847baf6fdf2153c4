package dev.geoloc.containers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import dev.geoloc.stack.FreePorts;
import dev.geoloc.stack.StreamingStack;

/**
 * The broker and the registry as their images run them (deployment/images), on a network of their own: the
 * {@link StreamingStack} of tests that run the system in containers. Containers on {@link #network()} reach them as
 * docker-compose.yml's services do ({@link #INTERNAL_BOOTSTRAP_SERVERS}, {@link #INTERNAL_SCHEMA_REGISTRY_URL});
 * this JVM reaches them on ports of the host.
 */
public final class ContainerStreamingStack implements StreamingStack, AutoCloseable {

    public static final String KAFKA_IMAGE = "localhost/geoloc/kafka:4.1.2";
    public static final String SCHEMA_REGISTRY_IMAGE = "localhost/geoloc/schema-registry:3.0.9";
    /** Kafka for containers on the stack's network. */
    public static final String INTERNAL_BOOTSTRAP_SERVERS = "kafka:19092";
    /** The registry's Confluent-compatible API for containers on the stack's network. */
    public static final String INTERNAL_SCHEMA_REGISTRY_URL = "http://schema-registry:8080/apis/ccompat/v7";

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Network network;
    private final GenericContainer<?> kafka;
    private final GenericContainer<?> registry;
    private final int kafkaHostPort;

    private ContainerStreamingStack(Network network, GenericContainer<?> kafka, GenericContainer<?> registry,
                                    int kafkaHostPort) {
        this.network = network;
        this.kafka = kafka;
        this.registry = registry;
        this.kafkaHostPort = kafkaHostPort;
    }

    /** Starts the broker, then the registry that keeps its schemas in the broker (kafkasql), as compose does. */
    public static ContainerStreamingStack start() {
        Network network = Network.newNetwork();
        // The broker advertises the address clients connect to, so the host's port must be known before it starts:
        // a free one, bound on purpose instead of Docker's random mapping.
        int hostPort = FreePorts.next();
        GenericContainer<?> kafka = new GenericContainer<>(DockerImageName.parse(KAFKA_IMAGE))
                .withImagePullPolicy(Containers.NEVER_PULL)
                .withNetwork(network).withNetworkAliases("kafka")
                .withEnv(Map.ofEntries(
                        Map.entry("KAFKA_NODE_ID", "1"),
                        Map.entry("KAFKA_PROCESS_ROLES", "broker,controller"),
                        Map.entry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka:9093"),
                        Map.entry("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER"),
                        Map.entry("KAFKA_LISTENERS", "INTERNAL://:19092,EXTERNAL://:9092,CONTROLLER://:9093"),
                        Map.entry("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://kafka:19092,EXTERNAL://localhost:" + hostPort),
                        Map.entry("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                        Map.entry("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL"),
                        Map.entry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false"),
                        Map.entry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1"),
                        Map.entry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1"),
                        Map.entry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1"),
                        Map.entry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1"),
                        Map.entry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1"),
                        Map.entry("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")))
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(START_TIMEOUT));
        kafka.setPortBindings(List.of(hostPort + ":9092"));
        GenericContainer<?> registry = new GenericContainer<>(DockerImageName.parse(SCHEMA_REGISTRY_IMAGE))
                .withImagePullPolicy(Containers.NEVER_PULL)
                .withNetwork(network).withNetworkAliases("schema-registry")
                .withEnv(Map.of("APICURIO_STORAGE_KIND", "kafkasql",
                        "APICURIO_KAFKASQL_BOOTSTRAP_SERVERS", INTERNAL_BOOTSTRAP_SERVERS))
                .withExposedPorts(8080)
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(START_TIMEOUT));
        try {
            kafka.start();
            registry.start();
            return new ContainerStreamingStack(network, kafka, registry, hostPort);
        } catch (RuntimeException e) {
            registry.stop();
            kafka.stop();
            network.close();
            throw e;
        }
    }

    /** The network that other containers of the system join to reach the stack. */
    public Network network() {
        return network;
    }

    @Override
    public String bootstrapServers() {
        return "localhost:" + kafkaHostPort;
    }

    @Override
    public String schemaRegistryUrl() {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(8080) + "/apis/ccompat/v7";
    }

    /**
     * Creates the topics a topics.conf lists (deployment/topics.conf) and sets their value subjects' compatibility,
     * with the image's own script, as compose does.
     */
    public void createTopics(Path topicsConf) {
        kafka.copyFileToContainer(MountableFile.forHostPath(topicsConf), "/tmp/topics.conf");
        Containers.exec(kafka, "create-topics", "/tmp/topics.conf", INTERNAL_BOOTSTRAP_SERVERS,
                INTERNAL_SCHEMA_REGISTRY_URL);
    }

    /** The broker's and the registry's logs, for a test to keep beside its reports. */
    public void saveLogs(Path directory) {
        Containers.saveLogs(kafka, directory.resolve("kafka.log"));
        Containers.saveLogs(registry, directory.resolve("schema-registry.log"));
    }

    @Override
    public void close() {
        try {
            registry.stop();
        } finally {
            try {
                kafka.stop();
            } finally {
                network.close();
            }
        }
    }
}
