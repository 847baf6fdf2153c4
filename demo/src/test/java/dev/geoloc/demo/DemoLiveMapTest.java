package dev.geoloc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.TopicsFile;
import picocli.CommandLine;

/**
 * The live map during a real stream: the demo runs on the test run's broker and registry (the packaged processor
 * answering, model A then model B hot-swapped in), and headless Chromium watches its map meanwhile. Points must
 * appear, the counters move, and the swap show on the timeline. Saves target/demo-live-map.png.
 */
class DemoLiveMapTest {

    private static final Path PROCESSOR_JAR = Path.of("..", "stream-processor", "target", "quarkus-app", "quarkus-run.jar");

    @Test
    void theMapShowsPointsMovingCountersAndTheSwapWhileTheDemoStreams() throws Exception {
        assertThat(PROCESSOR_JAR).as("the packaged processor (the reactor builds it before the demo)").isRegularFile();
        StreamingStack stack = LocalStreamingStack.shared();
        for (TopicsFile.Topic topic : TopicsFile.project()) {
            stack.createTopics(new NewTopic(topic.name(), topic.partitions(), (short) 1).configs(topic.configs()));
        }
        int dashboardPort = freePort();
        int managementPort = freePort();
        Path work = Files.createDirectories(Path.of("target", "demo-live-map").toAbsolutePath());
        Path output = work.resolve("demo-output.txt");

        // Given the demo running, its live table to a file
        PrintStream console = System.out;
        CompletableFuture<Integer> demo;
        try (PrintStream file = new PrintStream(Files.newOutputStream(output), true)) {
            System.setOut(file);
            demo = CompletableFuture.supplyAsync(() -> new CommandLine(new DemoCommand()).execute("--short",
                    "--bootstrap-servers", stack.bootstrapServers(), "--schema-registry-url", stack.schemaRegistryUrl(),
                    "--processor-jar", PROCESSOR_JAR.toAbsolutePath().toString(), "--work", work.toString(),
                    "--management-port", String.valueOf(managementPort), "--dashboard-port", String.valueOf(dashboardPort)));
            WebDriver browser = browser();
            try {
                // When the browser opens the map it printed, while photos stream
                String url = "http://127.0.0.1:" + dashboardPort + "/";
                awaitLine(output, url, demo);
                browser.get(url);
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofMinutes(3));
                wait.ignoring(StaleElementReferenceException.class); // the page redraws as it goes

                // Then points appear, the counters move, and model B's swap shows on the timeline
                wait.until(driver -> driver.findElements(By.cssSelector("#points circle.prediction")).size() >= 20);
                long first = totalPredictions(browser);
                wait.until(driver -> totalPredictions(browser) > first);
                wait.until(driver -> driver.findElement(By.id("timeline")).getText().matches("(?s).*v2 SERVING.*"));
                assertThat(browser.findElement(By.id("timeline")).getText()).contains("v2 PUBLISHED: test accuracy");
                assertThat(browser.findElements(By.cssSelector("#lines line.error-line"))).as("errors drawn").isNotEmpty();
                wait.until(driver -> driver.findElement(By.id("versions")).getText().contains(" v2"));
                assertThat(browser.findElement(By.id("samples")).getText()).isNotEqualTo("0");
                Path screenshot = Path.of("target", "demo-live-map.png");
                Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                browser.quit();
            }
            // and the demo ends well
            assertThat(demo.get()).as("the demo's exit code; its output: %s", output).isZero();
        } finally {
            System.setOut(console);
        }
        assertThat(Files.readString(output)).contains("hot-swapped while photos kept streaming");
    }

    private static WebDriver browser() {
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1280,800");
        // Debian's driver, named outright: Selenium Manager would try to download one.
        return new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                // Chromium leaves a directory or two in its TMPDIR each run: under target/, they go with mvn clean
                .withEnvironment(Map.of("TMPDIR", chromiumTemp().toString())).build(), options);
    }

    /** Every version's predictions on the map's table, read in one script: the page redraws it as it goes. */
    private static long totalPredictions(WebDriver browser) {
        Object total = ((JavascriptExecutor) browser).executeScript(
                "let n = 0; for (const row of document.querySelectorAll('#versions tbody tr')) "
                        + "n += Number(row.cells[1].textContent); return String(n);");
        return Long.parseLong(String.valueOf(total));
    }

    /** Waits for the demo to print {@code line} on a line of its own. */
    private static void awaitLine(Path output, String line, CompletableFuture<Integer> demo) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!Files.readAllLines(output).contains(line)) {
            assertThat(demo.isDone()).as("the demo ended before printing %s; its output: %s", line,
                    Files.readString(output)).isFalse();
            assertThat(System.nanoTime()).as("the demo printed no %s within 5 minutes", line).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Path chromiumTemp() {
        try {
            return Files.createDirectories(Path.of("target", "chromium-tmp")).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
