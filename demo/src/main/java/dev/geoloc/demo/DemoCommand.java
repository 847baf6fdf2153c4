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
import java.util.Optional;
import java.util.OptionalInt;
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

    /**
     * The model line a run publishes to, with the run's time after it: each run's models are a line of their own, so
     * that the quality gate compares B with this run's A, on this run's test set, never with an earlier run's.
     */
    private static final String MODEL_PREFIX = "demo-la-street-";

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

    @Option(names = "--dashboard-port", defaultValue = "8090",
            description = "The live map's port (default: ${DEFAULT-VALUE}).")
    int dashboardPort;

    @Option(names = "--keep-running",
            description = "Leave the processor and the live map running at the end and say how to reach them.")
    boolean keepRunning;

    private PrintWriter out;
    private String model;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        int events = quick ? 60 : 300;
        int firstEpochs = 1;
        // Up to 12 epochs, stopped early by validation error: in --short's small dataset the first epochs score no
        // better than model A's one, and the quality gate would rightly find B no better.
        int secondEpochs = 12;
        double rate = quick ? 15 : 20;
        long runId = System.currentTimeMillis();
        Path run = Files.createDirectories(work.toAbsolutePath().resolve("run-" + runId));
        model = MODEL_PREFIX + runId;
        RegionCatalog catalog = RegionCatalog.losAngeles();
        long started = System.nanoTime();
        ProcessorRun processor = null;
        DashboardRun dashboard = null;
        try {
            Path dataset = run.resolve("dataset");
            step("1/7 Generating a SynthCity dataset (synthetic street photos over the 15 Los Angeles regions)");
            trainer(run, "synth", "--out", dataset.toString(), "--locations-per-region", quick ? "8" : "16",
                    "--size", "64", "--headings", "0,90,180,270");
            step("2/7 Training model A: the tiny CNN, " + firstEpochs + " epoch, then evaluating and publishing it");
            // The check every computing process runs first (docs/numerics.md); the trainer's log has its details.
            out.println("    " + dev.geoloc.numerics.EngineSelfCheck.ensure().summary());
            Published a = publish(run, dataset, "a", firstEpochs);
            if (a.version().isEmpty()) {
                throw new DemoException("the first version of a model line always passes the quality gate, yet model A "
                        + "was refused: " + a.verdict());
            }
            step("3/7 Starting the live map, then the stream processor, following model " + model);
            dashboard = DashboardRun.start(bootstrapServers, registryUrl, dashboardPort, run);
            out.println("    the live map (predictions on the city, model versions, dead letters, latency), open it now:");
            out.println(dashboard.url());
            processor = ProcessorRun.start(processorJar, bootstrapServers, registryUrl, model, managementPort, run);
            ProcessorRun processorToStop = processor;
            DashboardRun dashboardToStop = dashboard;
            // Ctrl-C must not leave the processor or the map running behind the demo.
            Thread stopOnExit = new Thread(() -> {
                try {
                    processorToStop.close();
                    dashboardToStop.close();
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
                step(String.format(Locale.ROOT, "4/7 Streaming photo events with ground truth at %.0f/s, from now to the "
                        + "end; predictions as they arrive", rate));
                feed.header();
                feed.startStreaming(photos, rate);
                feed.awaitSent(events / 2, Duration.ofMinutes(2));
                step("5/7 Training model B: " + secondEpochs + " epochs, while the photos keep streaming");
                Published b = publish(run, dataset, "b", secondEpochs);
                if (b.version().isPresent()) {
                    int second = b.version().getAsInt();
                    step("6/7 Streaming on while the processor hot-swaps to v" + second);
                    // A slow machine may still be loading it: stream on for a while rather than end before the swap.
                    if (!feed.awaitVersion(second, Duration.ofSeconds(90))) {
                        feed.stopStreaming();
                        throw new DemoException("no prediction came from v" + second + ": the processor did not swap "
                                + "to it (its log: " + processor.log() + ")");
                    }
                } else {
                    step("6/7 Streaming on: model A keeps serving, as the quality gate decided");
                }
                // As many again after the swap, so that the new version's live figures rest on more than a few photos.
                feed.awaitSent(Math.max(events, feed.sent() + events / 2), Duration.ofMinutes(2));
                feed.stopStreaming();
                summary(feed, List.of(a, b));
            }
            step("7/7 Done in " + (System.nanoTime() - started) / 1_000_000_000 + " s");
            if (keepRunning) {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
                keepRunningNotes(processor, dashboard);
                processor = null;
                dashboard = null;
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
            if (dashboard != null) {
                dashboard.close();
            }
        }
    }

    private void step(String what) {
        out.println();
        out.println("==> " + what);
    }

    /**
     * A model the demo trained and evaluated, and the version it was published as; empty when the quality gate
     * refused it.
     */
    private record Published(String name, OptionalInt version, JsonNode evaluation, String verdict) {
    }

    /** Trains for {@code epochs}, evaluates on the test split, and publishes through the quality gate. */
    private Published publish(Path run, Path dataset, String name, int epochs) throws IOException {
        Path trained = run.resolve("model-" + name);
        trainer(run, "train", "--dataset", dataset.toString(), "--out", trained.toString(), "--epochs", String.valueOf(epochs),
                "--batch-size", "32", "--hidden-dim", "64", "--device", "cpu", "--seed", "7");
        // A gallery of the training photos refines each prediction's point below its region (docs/retrieval.md).
        trainer(run, "gallery", "--bundle", trained.resolve("bundle").toString(), "--dataset", dataset.toString(),
                "--device", "cpu");
        trainer(run, "evaluate", "--bundle", trained.resolve("bundle").toString(), "--dataset", dataset.toString(),
                "--out", trained.resolve("evaluation").toString(), "--device", "cpu");
        JsonNode evaluation = new ObjectMapper().readTree(trained.resolve("evaluation").resolve("evaluation.json").toFile());
        out.println("    evaluated on the test split: " + figures(evaluation));
        Path log = run.resolve("trainer-publish-" + name + ".log");
        int code = trainerExit(log, "publish", "--bundle", trained.resolve("bundle").toString(), "--model-name", model,
                "--metrics", trained.resolve("evaluation").resolve("evaluation.json").toString(),
                "--store", run.resolve("model-store").toString(), "--bootstrap-servers", bootstrapServers,
                "--schema-registry-url", registryUrl);
        List<String> lines = Files.readAllLines(log);
        Optional<String> refused = lines.stream().filter(line -> line.startsWith("publish refused for ")).findFirst();
        if (code != 0 && refused.isPresent()) {
            out.println("    the quality gate refused it, so nothing was published: "
                    + refused.get().substring(refused.get().indexOf(": ") + 2));
            return new Published(name, OptionalInt.empty(), evaluation, refused.get());
        }
        if (code != 0) {
            throw failed("publish", code, log);
        }
        String prefix = "published " + model + " version ";
        int version = Integer.parseInt(lines.stream().filter(line -> line.startsWith(prefix))
                .reduce((first, second) -> second).orElseThrow().substring(prefix.length()).trim());
        String verdict = lines.stream().filter(line -> line.strip().startsWith("gate:")).findFirst()
                .map(line -> line.strip().substring("gate:".length()).strip()).orElse("");
        out.println("    published as " + model + " v" + version + " on " + Topics.MODEL_VERSIONS + ", the quality gate "
                + verdict);
        return new Published(name, OptionalInt.of(version), evaluation, verdict);
    }

    /** Accuracy and mean error between region centres, each with its 95 % interval when the evaluation has one. */
    private static String figures(JsonNode evaluation) {
        JsonNode accuracy = evaluation.at("/bootstrap/accuracy");
        JsonNode error = evaluation.at("/bootstrap/errors_km/region_centers/mean");
        return String.format(Locale.ROOT, "accuracy %.1f %%%s, mean error %.2f km%s (between region centres; 95 %% "
                        + "intervals over test locations)", 100 * evaluation.path("accuracy").asDouble(),
                accuracy.isArray() ? String.format(Locale.ROOT, " [%.1f, %.1f]", 100 * accuracy.get(0).asDouble(),
                        100 * accuracy.get(1).asDouble()) : "",
                evaluation.at("/errors_km/region_centers/mean").asDouble(),
                error.isArray() ? String.format(Locale.ROOT, " [%.2f, %.2f]", error.get(0).asDouble(),
                        error.get(1).asDouble()) : "");
    }

    /** Runs a trainer command in this JVM, its output to a log; fails the demo with the log's end if it fails. */
    private void trainer(Path run, String... args) throws IOException {
        Path log = run.resolve("trainer-" + args[0] + ".log");
        int code = trainerExit(log, args);
        if (code != 0) {
            throw failed(args[0], code, log);
        }
    }

    /** Runs a trainer command in this JVM, its output appended to {@code log}; returns its exit code. */
    private static int trainerExit(Path log, String... args) throws IOException {
        try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND))) {
            CommandLine trainer = TrainerCommand.commandLine().setOut(writer).setErr(writer);
            return trainer.execute(args);
        }
    }

    private static DemoException failed(String command, int code, Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return new DemoException("trainer " + command + " failed (exit " + code + "); the end of " + log + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
    }

    private void summary(LiveFeed feed, List<Published> models) {
        double seconds = feed.streamingNanos() / 1e9;
        step("Summary");
        out.printf(Locale.ROOT, "    %d events sent and answered (%d of them more than once), %d dead letters; %.1f "
                + "events/s over %.1f s of streaming, through the training and the swap (paced by the demo; ./geoloc "
                + "bench-processor measures the maximum)%n", feed.sent(), feed.answeredTwice(), feed.deadLetters(),
                feed.sent() / seconds, seconds);
        out.printf(Locale.ROOT, "    The two models on the same %d test photos (trainer evaluate):%n",
                models.get(0).evaluation().path("samples").asInt());
        for (Published model : models) {
            out.printf(Locale.ROOT, "      model %s (%s): %s%n", model.name().toUpperCase(Locale.ROOT),
                    model.version().isPresent() ? "v" + model.version().getAsInt() : "refused by the quality gate",
                    figures(model.evaluation()));
        }
        out.println("    Live, on the streamed photos (each version answered different ones):");
        out.printf("    %-8s %12s %10s %18s %20s %30s%n", "model", "predictions", "accuracy", "mean error (km)",
                "expected error (km)", "refined: error / expected (km)");
        for (Map.Entry<Integer, LiveFeed.VersionStats> entry : feed.stats().entrySet()) {
            LiveFeed.VersionStats s = entry.getValue();
            out.printf(Locale.ROOT, "    %-8s %12d %9.1f%% %18.2f %20.2f %30s%n", "v" + entry.getKey(), s.predictions,
                    100.0 * s.correct / s.predictions, s.actualErrorKm / s.predictions, s.expectedErrorKm / s.predictions,
                    s.refined == 0 ? "-" : String.format(Locale.ROOT, "%.2f / %.2f (%d)", s.refinedErrorKm / s.refined,
                            s.refinedExpectedErrorKm / s.refined, s.refined));
        }
        LiveFeed.PanoramaComparison panoramas = feed.panoramas();
        out.printf(Locale.ROOT, "    panoramas: %d answered, each from its location's views fused (docs/panoramas.md): "
                        + "accuracy %.1f %%, mean error %.2f km; their %d single photos: %.1f %%, %.2f km%n",
                panoramas.panoramas(), 100 * panoramas.fusedAccuracy(), panoramas.fusedErrorKm(), panoramas.photos(),
                100 * panoramas.photoAccuracy(), panoramas.photoErrorKm());
    }

    private void keepRunningNotes(ProcessorRun processor, DashboardRun dashboard) {
        step("Still running (--keep-running)");
        out.println("    the live map:");
        out.println(dashboard.url());
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
        out.println("    stop with           kill " + processor.pid() + " " + dashboard.pid() + " && ./geoloc stack stop");
    }
}
