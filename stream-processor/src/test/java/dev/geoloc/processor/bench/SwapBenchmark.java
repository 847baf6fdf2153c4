package dev.geoloc.processor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.model.HeadSpec;
import dev.geoloc.model.TestBundles;
import dev.geoloc.processor.ProcessorProcess;
import dev.geoloc.processor.SwapDip;
import dev.geoloc.processor.TestTopics;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.processor.versions.PublishedVersions;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * What a model change costs a loaded processor: the packaged processor follows a model, events stream at 60 % of
 * the rate it sustains, and a new version is published as a 20 % canary, then as the stable version; each round
 * prints the predictions per second before, the slowest second until the new version answers, and the
 * processor's memory after it, under the malloc settings {@code ./geoloc} exports (what ships). Run:
 * {@code ./geoloc bench-swap [ROUNDS]}.
 */
public final class SwapBenchmark {

    private static final double LOAD = 0.6;
    private static final int SECONDS = 10;
    private static final int PUBLISH_AT_SECOND = 3;

    /** @param memory the processor's resident memory after the change, and how much of it is Java heap */
    private record Round(String change, double offered, SwapDip dip, String memory) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0].trim()) : 3;
        Path work = Files.createDirectories(Path.of("target", "bench-swap").toAbsolutePath());
        RegionCatalog catalog = RegionCatalog.losAngeles();
        // Two models, so that every change loads one that is not loaded yet
        List<PublishedVersions.Artifact> bundles = List.of(
                PublishedVersions.artifact(TestBundles.untrained(work.resolve("a-" + System.nanoTime()), "tiny-cnn",
                        TestBundles.CLASSIFIER, catalog)),
                PublishedVersions.artifact(TestBundles.untrained(work.resolve("b-" + System.nanoTime()), "tiny-cnn",
                        new HeadSpec.Classifier(16, 0.1f), catalog)));
        String model = "bench-swap-" + System.currentTimeMillis();
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Map<String, String> settings = Map.of("geoloc.model.name", model, "geoloc.model.device", "cpu",
                "geoloc.model.signature-public-key", PublishedVersions.verifyKey(work.resolve("keys")).toString(),
                "kafka-streams.session.timeout.ms", "6000");
        List<Round> results = new ArrayList<>();
        try (PublishedVersions versions = new PublishedVersions(model);
             TopicProbe probe = new TopicProbe()) {
            versions.publish(1, bundles.get(0));
            try (ProcessorProcess processor = ProcessorProcess.start(stack, null, work.resolve("state-" + System.nanoTime()),
                    work.resolve("processor.log"), settings)) {
                byte[] photo = TestImages.jpeg(TestImages.bands(256, 192, new java.awt.Color(90, 120, 40), TestImages.BLUE), false);
                double capacity = capacity(probe, photo, "warm", 1000, processor);
                capacity = capacity(probe, photo, "capacity", 1500, processor);
                System.out.printf(Locale.ROOT, "Capacity: %.1f pred/s (tiny-cnn, 256x192 photos); changes at %.0f %% of it%n",
                        capacity, 100 * LOAD);
                int version = 1;
                for (int round = 0; round < rounds; round++) {
                    int canary = ++version;
                    SwapDip canaryDip = stream(probe, photo, LOAD * capacity, "canary-" + round, canary,
                            () -> versions.canary(canary, bundles.get(canary % 2), 20));
                    results.add(new Round("20 % canary", LOAD * capacity, canaryDip,
                            ProcessorBenchmark.memory(processor.pid())));
                    int stable = ++version;
                    SwapDip swapDip = stream(probe, photo, LOAD * capacity, "swap-" + round, stable,
                            () -> versions.publish(stable, bundles.get(stable % 2)));
                    results.add(new Round("full swap", LOAD * capacity, swapDip, ProcessorBenchmark.memory(processor.pid())));
                }
            }
        }
        print(results);
        System.exit(0);
    }

    /** Sends {@code count} events as fast as they go; returns the predictions per second over them. */
    private static double capacity(TopicProbe probe, byte[] photo, String prefix, int count, ProcessorProcess processor) {
        if (!processor.isAlive()) {
            throw new IllegalStateException("the processor stopped; its log:\n" + processor.logTail());
        }
        List<String> ids = TopicProbe.ids(prefix, count);
        ids.forEach(id -> probe.sendAsync(TopicProbe.event(id, photo, null)));
        List<RegionPrediction> answers = probe.awaitPredictions(ids).stream().map(TopicProbe.Output::value).toList();
        long first = answers.stream().mapToLong(a -> a.getProcessedTime().toEpochMilli()).min().orElseThrow();
        long last = answers.stream().mapToLong(a -> a.getProcessedTime().toEpochMilli()).max().orElseThrow();
        return (answers.size() - 1) / ((last - first) / 1e3);
    }

    /** Streams at {@code rate} for {@link #SECONDS}, runs {@code change} on its own thread a few seconds in. */
    private static SwapDip stream(TopicProbe probe, byte[] photo, double rate, String prefix, int newVersion,
                                  Runnable change) throws InterruptedException {
        int events = (int) (SECONDS * rate);
        List<String> ids = TopicProbe.ids(prefix, events);
        Instant published = null;
        CompletableFuture<Void> publishing = null;
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            probe.sendAsync(TopicProbe.event(ids.get(i), photo, null));
            if (i == (int) (PUBLISH_AT_SECOND * rate)) {
                published = Instant.now();
                publishing = CompletableFuture.runAsync(change);
            }
        }
        publishing.join();
        return SwapDip.of(probe.awaitPredictions(ids).stream().map(TopicProbe.Output::value).toList(), published,
                newVersion);
    }

    private static void print(List<Round> rounds) {
        System.out.println();
        System.out.println("| Change | Offered (ev/s) | Before (pred/s) | Slowest second | Slowest / before | New version answering after | Processor memory after it |");
        System.out.println("|---|---:|---:|---:|---:|---:|---|");
        for (Round round : rounds) {
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %d | %.2f | %.2f s | %s |%n", round.change(), round.offered(),
                    round.dip().before(), round.dip().slowest(), round.dip().ratio(), round.dip().switchSeconds(),
                    round.memory());
        }
        System.out.println();
        for (String change : List.of("20 % canary", "full swap")) {
            double[] ratios = rounds.stream().filter(r -> r.change().equals(change)).mapToDouble(r -> r.dip().ratio())
                    .sorted().toArray();
            System.out.printf(Locale.ROOT, "%s: median slowest / before %.2f over %d rounds (target >= 0.80)%n", change,
                    ratios[ratios.length / 2], ratios.length);
        }
        rounds.forEach(r -> System.out.println(r.change() + ": " + r.dip().describe()));
    }
}
