package dev.geoloc.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.geoloc.contracts.Topics;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ModelState;
import dev.geoloc.schemas.ModelStatus;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RegionScore;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * The live map in a real browser (Debian's headless Chromium, driven through chromium-driver) while a stream of
 * answers flows through the real broker and registry: points appear, the counters move, and a hot-swap and dead
 * letters show. Saves a screenshot to target/dashboard.png.
 */
class LiveMapBrowserTest {

    private static final RegionCatalog CATALOG = RegionCatalog.losAngeles();
    private static final String MODEL = "map-test";

    private static StreamingStack stack;
    private static DashboardServer dashboard;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStreamingStack.shared();
        stack.createTopics(new NewTopic(Topics.REGION_PREDICTIONS, 3, (short) 1),
                new NewTopic(Topics.DEAD_LETTERS, 3, (short) 1), new NewTopic(Topics.MODEL_STATUS, 1, (short) 1));
        dashboard = DashboardServer.start(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                "dashboard-test-" + System.nanoTime(), CATALOG, "127.0.0.1", 0);
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=1280,900");
        // Debian's driver, named outright: Selenium Manager would try to download one.
        browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                // Chromium leaves a directory or two in its TMPDIR each run: under target/, they go with mvn clean
                .withEnvironment(Map.of("TMPDIR", chromiumTemp().toString())).build(), options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (dashboard != null) {
            dashboard.close();
        }
    }

    @Test
    void pointsCountersAHotSwapAndDeadLettersShowWhileTheStreamFlows() throws Exception {
        // Given the page open in the browser
        browser.get(dashboard.url().toString());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // the page redraws as it goes
        wait.until(driver -> driver.findElements(By.cssSelector("#regions rect.region")).size() == CATALOG.regions().size());

        // When version 1 serves and its answers stream, labelled, with a few dead letters among them
        AtomicBoolean streaming = new AtomicBoolean(true);
        AtomicInteger version = new AtomicInteger(1);
        Thread stream = new Thread(() -> stream(streaming, version), "test-stream");
        try (Producer producer = new Producer()) {
            producer.send(Topics.MODEL_STATUS, MODEL, status(1, ModelState.SERVING, "first version"));
        }
        stream.start();
        try {
            // Then points appear on the map and the version's counter moves
            wait.until(driver -> driver.findElements(By.cssSelector("#points circle.prediction")).size() >= 20);
            long first = predictions(wait, "map-test v1");
            wait.until(driver -> predictions(wait, "map-test v1") > first);
            assertThat(browser.findElements(By.cssSelector("#lines line.error-line"))).as("lines to the truth").isNotEmpty();
            wait.until(driver -> !driver.findElement(By.id("p50")).getText().equals("-"));
            wait.until(driver -> driver.findElement(By.id("dead-letters")).getText().contains("NOT_AN_IMAGE"));

            // And when version 2 replaces it mid-stream, the timeline and the table show the swap
            try (Producer producer = new Producer()) {
                producer.send(Topics.MODEL_STATUS, MODEL, status(2, ModelState.SERVING, "replaced v1"));
                producer.send(Topics.MODEL_STATUS, MODEL, status(1, ModelState.RETIRED, "replaced by v2"));
            }
            version.set(2);
            wait.until(driver -> driver.findElement(By.id("timeline")).getText().contains("map-test v2 SERVING: replaced v1"));
            wait.until(driver -> predictions(wait, "map-test v2") > 0);
            assertThat(browser.findElement(By.id("timeline")).getText()).contains("map-test v1 RETIRED");
            Thread.sleep(1500); // a few more pushes, for the screenshot
        } finally {
            streaming.set(false);
            stream.join();
        }
        Path screenshot = Path.of("target", "dashboard.png");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    /**
     * The predictions counted for {@code version} in the versions table; 0 before its row shows. Read in one script:
     * the page redraws the table a few times a second, so elements found one call earlier may be gone.
     */
    private static long predictions(WebDriverWait wait, String version) {
        Object count = ((JavascriptExecutor) browser).executeScript(
                "for (const row of document.querySelectorAll('#versions tbody tr')) {"
                        + "  if (row.cells[0].textContent === arguments[0]) return row.cells[1].textContent; }"
                        + "return '0';", version);
        return Long.parseLong(String.valueOf(count));
    }

    /** Labelled answers at 40 a second, the version serving now answering, every 15th photo a dead letter. */
    private static void stream(AtomicBoolean streaming, AtomicInteger version) {
        try (Producer producer = new Producer()) {
            List<Region> regions = CATALOG.regions();
            for (int i = 0; streaming.get(); i++) {
                String id = "map-photo-" + i;
                if (i % 15 == 14) {
                    producer.send(Topics.DEAD_LETTERS, id, new DeadLetter(Topics.IMAGE_EVENTS, i % 3, (long) i,
                            java.nio.ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)), DeadLetterCode.NOT_AN_IMAGE,
                            "The payload is HTML, not an image", null, Instant.now()));
                } else {
                    Region truth = regions.get(i % regions.size());
                    // Version 2 is right more often than version 1: its answers are nearer their truth.
                    Region predicted = i % (version.get() == 2 ? 2 : 4) == 0 ? truth : regions.get((i * 7 + 3) % regions.size());
                    producer.send(Topics.REGION_PREDICTIONS, id, prediction(id, version.get(), predicted, truth));
                }
                Thread.sleep(25);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RegionPrediction prediction(String id, int version, Region predicted, Region truth) {
        RegionScore top = new RegionScore(predicted.id(), predicted.name(), 0.6);
        LatLon at = predicted.center();
        return RegionPrediction.newBuilder().setImageId(id).setModelName(MODEL).setModelVersion(version)
                .setTopRegions(List.of(top)).setPredictedRegion(top).setEstimatedLocation(new GeoPoint(at.latitude(),
                        at.longitude()))
                .setExpectedErrorKm(4).setConfidenceRadiusKm(9).setConfidenceLevel(0.9).setBatchSize(8)
                .setQueueLatencyMs(5).setInferenceLatencyMs(12).setEndToEndLatencyMs(40 + id.hashCode() % 20)
                .setProcessedTime(Instant.now()).setTrueRegionId(truth.id())
                .setGroundTruth(new GeoPoint(truth.center().latitude() + 0.004, truth.center().longitude() - 0.004))
                .setActualErrorKm(at.distanceKm(truth.center())).setSourcePlatform("test").setUploadTime(Instant.now())
                .build();
    }

    private static ModelStatus status(int version, ModelState state, String reason) {
        return ModelStatus.newBuilder().setModelName(MODEL).setVersion(version).setInstance("processor-0")
                .setState(state).setReason(reason).setArtifactUri("file:///models/" + version + ".zip")
                .setReportedTime(Instant.now()).build();
    }

    /** A producer of Avro records in the registry's wire format, as the processor writes them. */
    private static final class Producer implements AutoCloseable {

        private final SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
        private final KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer());

        Producer() {
            serde.configure(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()), false);
        }

        void send(String topic, String key, SpecificRecord value) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    serde.serializer().serialize(topic, value)));
        }

        @Override
        public void close() {
            producer.close();
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
