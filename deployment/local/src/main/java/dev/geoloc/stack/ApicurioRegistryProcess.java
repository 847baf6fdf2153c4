package dev.geoloc.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Apicurio Registry's official distribution running as a child process, serving the Confluent-compatible
 * API at {@code /apis/ccompat/v7} with in-memory storage and BACKWARD compatibility (Confluent's default).
 */
final class ApicurioRegistryProcess implements AutoCloseable {

    static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process watchdog;
    private final String url;

    private ApicurioRegistryProcess(Process watchdog, String url) {
        this.watchdog = watchdog;
        this.url = url;
    }

    /**
     * Starts the registry on free ports. A port that was free when chosen can be taken before the registry,
     * which needs seconds to boot, binds it: then it tries again on other ports.
     */
    static ApicurioRegistryProcess start(ApicurioDistribution distribution, Path workDirectory) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnFreePorts(distribution, workDirectory);
            } catch (PortTakenException e) {
                if (attempt == 3) {
                    throw new IllegalStateException("Apicurio Registry found its ports taken three times", e);
                }
            }
        }
    }

    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String log) {
            super(log);
        }
    }

    private static ApicurioRegistryProcess startOnFreePorts(ApicurioDistribution distribution, Path workDirectory) {
        int httpPort = FreePorts.next();
        int managementPort = FreePorts.next();
        Path log = workDirectory.resolve("registry-" + httpPort + ".log");
        List<String> command = new ArrayList<>(Watchdog.around("registry-watchdog",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dquarkus.http.access-log.enabled=false",
                "-Dapicurio.rules.global.compatibility=BACKWARD",
                "-jar", distribution.runnerJar().toString()));
        try {
            Files.createDirectories(workDirectory);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Watchdog.watchThisJvm(builder);
            ApicurioRegistryProcess registry = new ApicurioRegistryProcess(builder.start(),
                    "http://127.0.0.1:" + httpPort + CONFLUENT_API_PATH);
            registry.awaitReady(log);
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Apicurio Registry " + distribution.version(), e);
        }
    }

    String url() {
        return url;
    }

    private void awaitReady(Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url + "/subjects"))
                .timeout(Duration.ofSeconds(2))
                .build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!watchdog.isAlive()) {
                String tail = tail(log);
                if (tail.contains("seems to be in use") || tail.contains("Address already in use")) {
                    throw new PortTakenException(tail);
                }
                throw new IllegalStateException("Apicurio Registry exited during start-up:\n" + tail);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // expected while the registry boots
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
            }
            sleep(Duration.ofMillis(200));
        }
        close();
        throw new IllegalStateException("Apicurio Registry did not answer at " + url + " within "
                + START_TIMEOUT.toSeconds() + " s:\n" + tail(log));
    }

    @Override
    public void close() {
        Watchdog.stop(watchdog);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
