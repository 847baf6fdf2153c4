package dev.geoloc.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

/**
 * A real S3-compatible server on 127.0.0.1 for tests and local trials: S3Proxy (from Maven Central) with its
 * filesystem backend, as a child process, signing with AWS's v2 or v4 scheme under a fixed key pair. A bucket is
 * a directory under its data directory. It can be stopped and started again on the same port with the same data:
 * an outage, as a client sees one.
 */
public final class LocalObjectStore implements AutoCloseable {

    public static final String ACCESS_KEY = "local-access-key";
    public static final String SECRET_KEY = "local-secret-key";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path jar;
    private final Path workDirectory;
    private final Path data;
    private final int port;
    private Process watchdog;

    private LocalObjectStore(Path jar, Path workDirectory, int port) {
        this.jar = jar;
        this.workDirectory = workDirectory;
        this.data = workDirectory.resolve("data");
        this.port = port;
    }

    /** Starts a server on a free port, keeping its objects and log under {@code workDirectory}. */
    public static LocalObjectStore start(Path workDirectory) {
        LocalObjectStore store = new LocalObjectStore(builtJar(), workDirectory.toAbsolutePath(), FreePorts.next());
        store.startServer();
        return store;
    }

    /** The endpoint clients are configured with (path-style addressing). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public void createBucket(String bucket) {
        try {
            Files.createDirectories(data.resolve(bucket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server, keeping its objects: clients now find nothing listening. */
    public void stop() {
        if (watchdog == null) {
            return;
        }
        Watchdog.stop(watchdog);
        watchdog = null;
    }

    /** Starts the server again after {@link #stop}, on the same port, with the same objects. */
    public void restart() {
        stop();
        startServer();
    }

    @Override
    public void close() {
        stop();
    }

    private void startServer() {
        try {
            Files.createDirectories(data);
            Path properties = workDirectory.resolve("s3proxy.conf");
            Files.writeString(properties, String.join("\n", List.of(
                    "s3proxy.endpoint=" + endpoint(),
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.identity=" + ACCESS_KEY,
                    "jclouds.credential=" + SECRET_KEY,
                    "jclouds.filesystem.basedir=" + data)) + "\n");
            Path log = workDirectory.resolve("s3proxy.log");
            ProcessBuilder builder = new ProcessBuilder(Watchdog.around("s3proxy-watchdog",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString(),
                    "--properties", properties.toString()))
                    .directory(workDirectory.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Watchdog.watchThisJvm(builder);
            watchdog = builder.start();
            awaitListening(log);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start S3Proxy", e);
        }
    }

    private void awaitListening(Path log) throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!watchdog.isAlive()) {
                throw new IllegalStateException("S3Proxy exited during start-up; its log:\n" + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYetListening) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for S3Proxy", e);
                }
            }
        }
        stop();
        throw new IllegalStateException("S3Proxy did not listen on " + endpoint() + " within "
                + START_TIMEOUT.toSeconds() + " s; its log:\n" + Files.readString(log));
    }

    /** Where this module's build put S3Proxy's jar (geoloc-local-stack.properties). */
    private static Path builtJar() {
        Properties build = new Properties();
        try (InputStream in = LocalObjectStore.class.getResourceAsStream("/geoloc-local-stack.properties")) {
            build.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("geoloc-local-stack.properties is missing from the classpath", e);
        }
        Path jar = Path.of(build.getProperty("s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy is not at " + jar + "; build the local stack module first: "
                    + "mvn -f deployment/local/pom.xml generate-resources");
        }
        return jar;
    }
}
