package dev.geoloc.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.geoloc.dashboard.DashboardMain;

/**
 * The live map (the dashboard module) as a process of its own, from the demo's own classpath, so that it outlives the
 * demo with {@code --keep-running}, as the processor does.
 */
final class DashboardRun implements AutoCloseable {

    private static final String URL_LINE = "dashboard ";

    private final Process process;
    private final String url;

    private DashboardRun(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    static DashboardRun start(String bootstrap, String registry, int port, Path work) throws IOException,
            InterruptedException {
        FreePort.require(port, "--dashboard-port");
        Path log = work.resolve("dashboard.log");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), DashboardMain.class.getName(),
                "--bootstrap-servers", bootstrap, "--schema-registry-url", registry, "--port", String.valueOf(port),
                "--group", "geoloc-demo-dashboard-" + System.currentTimeMillis()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> url = Files.readAllLines(log).stream().filter(line -> line.startsWith(URL_LINE))
                    .map(line -> line.substring(URL_LINE.length()).strip()).findFirst();
            if (url.isPresent()) {
                return new DashboardRun(process, url.get());
            }
            if (!process.isAlive()) {
                throw new DemoException("the dashboard stopped; its log: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new DemoException("the dashboard did not start within 30 s; its log: " + log);
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
