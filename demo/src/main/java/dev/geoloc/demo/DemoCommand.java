package dev.geoloc.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.contracts.Topics;
import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.TrainerCommand;
import dev.geoloc.trainer.send.PhotoStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./geoloc demo}: the whole system on the local stack. A SynthCity dataset, a quick first model trained,
 * evaluated and published; the stream processor following it; photo events streamed with their ground truth and
 * answered live; a second, longer-trained model published mid-stream and hot-swapped; a summary per version.
 */
@Command(name = "geoloc-demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs geoloc-stream end to end on a running Kafka and registry (./geoloc demo starts them).")
public final class DemoCommand implements Callable<Integer> {

    private static final String MODEL = "demo-la-street";

    @Option(names = "--bootstrap-servers", defaultValue = "${env:GEOLOC_BOOTSTRAP_SERVERS:-127.0.0.1:9092}")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", defaultValue = "${env:GEOLOC_SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081/apis/ccompat/v7}")
    String registryUrl;

    @Option(names = "--processor-jar", required = true, description = "The packaged processor's quarkus-run.jar.")
    Path processorJar;

    @Option(names = "--work", defaultValue = ".local-demo", description = "Where datasets, models and logs go (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--short", description = "A quicker run with fewer photos and epochs (what CI runs).")
    boolean quick;

    @Option(names = "--management-port", defaultValue = "9000",
            description = "The processor's management port: health, metrics, /admin (default: ${DEFAULT-VALUE}).")
    int managementPort;

    @Option(names = "--keep-running", description = "Leave the processor running at the end and say how to reach it.")
    boolean keepRunning;

    private PrintWriter out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        int events = quick ? 60 : 300;
        int firstEpochs = 1;
        int secondEpochs = quick ? 4 : 8;
        double rate = quick ? 15 : 20;
        Path run = Files.createDirectories(work.toAbsolutePath().resolve("run-" + System.currentTimeMillis()));
        RegionCatalog catalog = RegionCatalog.losAngeles();
        long started = System.nanoTime();
        ProcessorRun processor = null;
        try {
            Path dataset = run.resolve("dataset");
            step("1/7 Generating a SynthCity dataset (synthetic street photos over the 15 Los Angeles regions)");
            trainer(run, "synth", "--out", dataset.toString(), "--locations-per-region", quick ? "8" : "16",
                    "--size", "64", "--headings", "0,90,180,270");
            step("2/7 Training model A: the tiny CNN, " + firstEpochs + " epoch, then evaluating and publishing it");
            // The check every computing process runs first (docs/numerics.md); the trainer's log has its details.
            out.println("    " + dev.geoloc.numerics.EngineSelfCheck.ensure().summary());
            publish(run, dataset, "a", firstEpochs);
            step("3/7 Starting the stream processor, following model " + MODEL);
            processor = ProcessorRun.start(processorJar, bootstrapServers, registryUrl, MODEL, managementPort, run);
            ProcessorRun toStop = processor;
            // Ctrl-C must not leave the processor running behind the demo.
            Thread stopOnExit = new Thread(() -> {
                try {
                    toStop.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "demo-stop-processor");
            Runtime.getRuntime().addShutdownHook(stopOnExit);
            processor.awaitReady(Duration.ofMinutes(3));
            out.printf("    ready, serving v%d (health %s)%n", processor.servingVersion(), processor.url("/q/health/ready"));
            // The test split's photos, a location's views one after the other (a panorama), the locations shuffled.
            PhotoStream photos = new PhotoStream(Manifest.read(dataset.resolve(Manifest.FILE_NAME), catalog), Split.TEST,
                    11, "geoloc-demo", "demo-" + System.currentTimeMillis());
            try (LiveFeed feed = new LiveFeed(bootstrapServers, registryUrl, catalog, out)) {
                step("4/7 Streaming " + events / 2 + " photo events with ground truth; predictions as they arrive");
                feed.header();
                feed.stream(photos, events / 2, rate);
                step("5/7 Training model B: " + secondEpochs + " epochs, then evaluating and publishing it");
                int second = publish(run, dataset, "b", secondEpochs);
                step("6/7 Streaming " + (events - events / 2) + " more while the processor hot-swaps to v" + second);
                feed.header();
                feed.stream(photos, events - events / 2, rate);
                // A slow machine may still be loading v2: stream on for a while rather than end before the swap.
                long swapDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!feed.stats().containsKey(second) && System.nanoTime() < swapDeadline) {
                    feed.stream(photos, 10, rate);
                }
                summary(feed);
                if (!feed.stats().containsKey(second)) {
                    throw new DemoException("no prediction came from v" + second + ": the processor did not swap to it"
                            + " (its log: " + processor.log() + ")");
                }
            }
            step("7/7 Done in " + (System.nanoTime() - started) / 1_000_000_000 + " s");
            if (keepRunning) {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
                keepRunningNotes(processor);
                processor = null;
            }
            return 0;
        } catch (DemoException e) {
            out.println();
            out.println("geoloc demo: " + e.getMessage());
            return 1;
        } finally {
            if (processor != null) {
                out.println("    stopping the stream processor");
                processor.close();
            }
        }
    }

    private void step(String what) {
        out.println();
        out.println("==> " + what);
    }

    /** Trains for {@code epochs}, evaluates on the test split, publishes behind the quality gate (forced: a demo). */
    /** @return the version the model was published as */
    private int publish(Path run, Path dataset, String name, int epochs) throws IOException {
        Path model = run.resolve("model-" + name);
        trainer(run, "train", "--dataset", dataset.toString(), "--out", model.toString(), "--epochs", String.valueOf(epochs),
                "--batch-size", "32", "--hidden-dim", "64", "--device", "cpu", "--seed", "7");
        // A gallery of the training photos refines each prediction's point below its region (docs/retrieval.md).
        trainer(run, "gallery", "--bundle", model.resolve("bundle").toString(), "--dataset", dataset.toString(),
                "--device", "cpu");
        trainer(run, "evaluate", "--bundle", model.resolve("bundle").toString(), "--dataset", dataset.toString(),
                "--out", model.resolve("evaluation").toString(), "--device", "cpu");
        JsonNode evaluation = new ObjectMapper().readTree(model.resolve("evaluation").resolve("evaluation.json").toFile());
        out.printf(Locale.ROOT, "    evaluated on the test split: accuracy %.1f %%, mean error %.2f km (between region centers)%n",
                100 * evaluation.path("accuracy").asDouble(), evaluation.at("/errors_km/region_centers/mean").asDouble());
        trainer(run, "publish", "--bundle", model.resolve("bundle").toString(), "--model-name", MODEL,
                "--metrics", model.resolve("evaluation").resolve("evaluation.json").toString(),
                "--store", run.resolve("model-store").toString(), "--bootstrap-servers", bootstrapServers,
                "--schema-registry-url", registryUrl, "--force");
        List<String> published = Files.readAllLines(run.resolve("trainer-publish.log")).stream()
                .filter(line -> line.startsWith("published " + MODEL + " version ")).toList();
        int version = Integer.parseInt(published.get(published.size() - 1).substring(("published " + MODEL + " version ").length()).trim());
        out.println("    published as " + MODEL + " v" + version + " on " + Topics.MODEL_VERSIONS + "; artifact in "
                + run.resolve("model-store"));
        return version;
    }

    /** Runs a trainer command in this JVM, its output to a log; fails the demo with the log's end if it fails. */
    private void trainer(Path run, String... args) throws IOException {
        Path log = run.resolve("trainer-" + args[0] + ".log");
        int code;
        try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND))) {
            CommandLine trainer = TrainerCommand.commandLine().setOut(writer).setErr(writer);
            code = trainer.execute(args);
        }
        if (code != 0) {
            List<String> lines = Files.readAllLines(log);
            throw new DemoException("trainer " + args[0] + " failed (exit " + code + "); the end of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
    }

    private void summary(LiveFeed feed) {
        double seconds = feed.streamingNanos() / 1e9;
        step("Summary");
        out.printf(Locale.ROOT, "    %d events sent and answered, %d dead letters; %.1f events/s over %.1f s of streaming"
                + " (paced by the demo; ./geoloc bench-processor measures the maximum)%n", feed.sent(),
                feed.deadLetters(), feed.sent() / seconds, seconds);
        out.printf("    %-8s %12s %10s %18s %20s %20s%n", "model", "predictions", "accuracy", "mean error (km)",
                "expected error (km)", "refined error (km)");
        for (Map.Entry<Integer, LiveFeed.VersionStats> entry : feed.stats().entrySet()) {
            LiveFeed.VersionStats s = entry.getValue();
            out.printf(Locale.ROOT, "    %-8s %12d %9.1f%% %18.2f %20.2f %20s%n", "v" + entry.getKey(), s.predictions,
                    100.0 * s.correct / s.predictions, s.actualErrorKm / s.predictions, s.expectedErrorKm / s.predictions,
                    s.refined == 0 ? "-" : String.format(Locale.ROOT, "%.2f (%d)", s.refinedErrorKm / s.refined,
                            s.refined));
        }
        LiveFeed.PanoramaComparison panoramas = feed.panoramas();
        out.printf(Locale.ROOT, "    panoramas: %d answered, each from its location's views fused (docs/panoramas.md): "
                        + "accuracy %.1f %%, mean error %.2f km; their %d single photos: %.1f %%, %.2f km%n",
                panoramas.panoramas(), 100 * panoramas.fusedAccuracy(), panoramas.fusedErrorKm(), panoramas.photos(),
                100 * panoramas.photoAccuracy(), panoramas.photoErrorKm());
    }

    private void keepRunningNotes(ProcessorRun processor) {
        step("Still running (--keep-running)");
        out.println("    bootstrap servers   " + bootstrapServers);
        out.println("    schema registry     " + registryUrl);
        out.println("    processor health    " + processor.url("/q/health"));
        out.println("    processor metrics   " + processor.url("/q/metrics"));
        out.println("    model versions      " + processor.url("/admin/model"));
        processor.geotagUrl().ifPresent(url -> out.println("    geotag API          " + url
                + "  (curl -H 'Content-Type: image/jpeg' --data-binary @photo.jpg " + url + ")"));
        out.println("    topics              " + String.join(", ", Topics.IMAGE_EVENTS, Topics.REGION_PREDICTIONS,
                Topics.PANORAMA_PREDICTIONS, Topics.SHADOW_PREDICTIONS, Topics.DEAD_LETTERS, Topics.MODEL_VERSIONS,
                Topics.MODEL_STATUS));
        out.println("    stop with           kill " + processor.pid() + " && ./geoloc stack stop");
    }
}
