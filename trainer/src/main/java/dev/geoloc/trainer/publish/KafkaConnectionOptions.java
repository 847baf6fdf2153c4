package dev.geoloc.trainer.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options of every command that talks to Kafka: where the brokers and the registry are, and how to reach them.
 * {@link KafkaOptions} adds the model-versions topic for the commands that read or write it.
 */
public class KafkaConnectionOptions {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            defaultValue = "${env:GEOLOC_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka brokers (default: ${DEFAULT-VALUE}; set by GEOLOC_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL",
            defaultValue = "${env:GEOLOC_SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081/apis/ccompat/v7}",
            description = "Confluent-compatible schema registry API (default: ${DEFAULT-VALUE}; set by "
                    + "GEOLOC_SCHEMA_REGISTRY_URL).")
    String schemaRegistryUrl;

    @Option(names = "--client-config", paramLabel = "FILE",
            description = "Properties file of further Kafka client and registry settings (security.protocol, "
                    + "sasl.*, ssl.*, basic.auth.*, schema.registry.ssl.*, ...).")
    Path clientConfigFile;

    /** What a command does with Kafka; returns its exit code. */
    @FunctionalInterface
    public interface KafkaWork {
        int run() throws InterruptedException;
    }

    /**
     * Runs {@code work}. Kafka's and the registry's failures become exit 1 with {@code <command> failed: <why>} on
     * standard error.
     */
    public int run(String command, KafkaWork work) {
        PrintWriter err = mixee.commandLine().getErr();
        try {
            return work.run();
        } catch (TimeoutException e) {
            err.println(command + " failed: " + e.getMessage() + " (" + unreachableHint() + ")");
            return 1;
        } catch (KafkaException e) {
            err.println(command + " failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(command + " interrupted");
            return 1;
        } finally {
            mixee.commandLine().getOut().flush();
            err.flush();
        }
    }

    public KafkaSettings settings() {
        return new KafkaSettings(bootstrapServers, schemaRegistryUrl, clientConfig(), TIMEOUT);
    }

    /** What to say after a timeout: most often nothing listens where the options point. */
    String unreachableHint() {
        return "is Kafka at " + bootstrapServers + " running?";
    }

    private Map<String, String> clientConfig() {
        if (clientConfigFile == null) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(clientConfigFile)) {
            properties.load(in);
        } catch (IOException e) {
            throw new ParameterException(mixee.commandLine(),
                    "Cannot read --client-config " + clientConfigFile + ": " + e.getMessage());
        }
        Map<String, String> config = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> config.put(key, properties.getProperty(key)));
        return config;
    }
}
