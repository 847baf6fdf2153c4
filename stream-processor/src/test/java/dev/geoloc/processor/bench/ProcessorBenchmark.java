package dev.geoloc.processor.bench;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.dataset.synth.SynthLocation;
import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.imaging.TestImages;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.TestBundles;
import dev.geoloc.processor.ProcessorProcess;
import dev.geoloc.processor.TestTopics;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * Drives SynthCity photo events through the packaged processor (its own process, on a real broker and registry)
 * and prints sustained throughput and end-to-end latency at saturation and at half of it, next to the raw
 * batched throughput of the same model in this JVM, measured in the same run. Run: {@code ./geoloc bench-processor}.
 *
 * <p>Latency here is what a read_committed consumer sees: from the event's upload_time (set as it is sent) to
 * the prediction's arrival, so it includes the transaction commit interval.
 */
public final class ProcessorBenchmark {

    private static final int BATCH = 32;
    private static final Duration MAX_DELAY = Duration.ofMillis(20);

    public static void main(String[] args) throws Exception {
        // The arguments, as one string or several: the number of events, then processor settings, key=value, e.g.
        // kafka-streams.num.stream.threads=2.
        int events = 2000;
        Map<String, String> extra = new java.util.TreeMap<>();
        for (String arg : args) {
            for (String token : arg.trim().split("\\s+")) {
                if (token.matches("\\d+")) {
                    events = Integer.parseInt(token);
                } else if (!token.isEmpty()) {
                    String[] pair = token.split("=", 2);
                    if (pair.length != 2) {
                        throw new IllegalArgumentException("A processor setting is key=value, not " + token);
                    }
                    extra.put(pair[0], pair[1]);
                }
            }
        }
        Path work = Files.createDirectories(Path.of("target", "bench").toAbsolutePath());
        RegionCatalog catalog = RegionCatalog.losAngeles();
        Path bundle = work.resolve("bundle-" + System.nanoTime());
        TestBundles.untrained(bundle, "tiny-cnn", TestBundles.CLASSIFIER, catalog);
        List<byte[]> photos = synthCityPhotos(catalog);
        System.out.printf(Locale.ROOT, "Model: tiny-cnn (untrained head), batch %d, max delay %d ms; %d SynthCity photos of %d bytes on average%n",
                BATCH, MAX_DELAY.toMillis(), photos.size(), (int) photos.stream().mapToInt(p -> p.length).average().orElse(0));

        Raw raw = rawThroughput(bundle, photos);
        System.out.printf(Locale.ROOT, "Raw batched model (this JVM, preprocessing included): %.1f img/s; batch of %d: %.1f ms median%n",
                raw.imagesPerSecond(), BATCH, raw.batchMillis());

        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Map<String, String> settings = new java.util.TreeMap<>(Map.of("geoloc.batching.max-size", String.valueOf(BATCH),
                "geoloc.batching.max-delay", MAX_DELAY.toMillis() + "ms", "geoloc.model.device", "cpu",
                "kafka-streams.session.timeout.ms", "6000"));
        settings.putAll(extra);
        System.out.println("Processor settings: " + settings);
        try (TopicProbe probe = new TopicProbe();
             ProcessorProcess processor = ProcessorProcess.start(stack, bundle, work.resolve("state-" + System.nanoTime()),
                     work.resolve("processor.log"), settings)) {
            warmUp(probe, photos, processor);
            Run saturated = run(probe, photos, "sat", events, 0);
            Run half = run(probe, photos, "half", Math.max(200, events / 2), saturated.throughput() / 2);
            print(raw, saturated, half);
        }
        System.exit(0);
    }

    record Raw(double imagesPerSecond, double batchMillis) {
    }

    /**
     * @param latenciesMs  upload to arrival at a read_committed consumer: includes waiting for the commit
     * @param processingMs upload to the processor emitting the prediction (its end_to_end_latency_ms)
     */
    record Run(String name, int events, double offeredRate, double throughput, double[] latenciesMs,
               double[] processingMs, double meanBatch) {
        double percentile(double p) {
            return percentileOf(latenciesMs, p);
        }

        double processingPercentile(double p) {
            return percentileOf(processingMs, p);
        }

        private static double percentileOf(double[] values, double p) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
        }
    }

    static List<byte[]> synthCityPhotos(RegionCatalog catalog) {
        SynthCityGenerator generator = new SynthCityGenerator(catalog, SynthCityConfig.defaults()
                .withLocationsPerRegion(4).withSize(256, 192));
        List<byte[]> photos = new ArrayList<>();
        for (SynthLocation location : generator.locations()) {
            BufferedImage image = generator.render(location, 0);
            photos.add(TestImages.jpeg(image, false));
        }
        return photos;
    }

    /** The model alone: preprocess and predict full batches back to back, median over 10 rounds of 10 batches. */
    static Raw rawThroughput(Path bundlePath, List<byte[]> photos) throws Exception {
        PredictorOptions options = new PredictorOptions("cpu", 3, 0.9, 1, ImageLimits.DEFAULT);
        try (ModelBundle bundle = ModelBundle.open(bundlePath);
             RegionPredictor predictor = RegionPredictor.load(bundle, options)) {
            predictor.warmUp(BATCH);
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                batch.add(photos.get(i % photos.size()));
            }
            double[] rates = new double[10];
            double[] batchMillis = new double[10];
            for (int round = 0; round < rates.length; round++) {
                long start = System.nanoTime();
                for (int b = 0; b < 10; b++) {
                    predictor.predictImages(batch);
                }
                long elapsed = System.nanoTime() - start;
                rates[round] = 10.0 * BATCH / (elapsed / 1e9);
                batchMillis[round] = elapsed / 10 / 1e6;
            }
            return new Raw(median(rates), median(batchMillis));
        }
    }

    private static void warmUp(TopicProbe probe, List<byte[]> photos, ProcessorProcess processor) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        probe.send(TopicProbe.event("warm-0", photos.get(0), null));
        while (probe.predictions("warm-0").isEmpty()) {
            if (System.nanoTime() > deadline || !processor.isAlive()) {
                throw new IllegalStateException("the processor did not answer; its log:\n" + processor.logTail());
            }
            Thread.sleep(20);
        }
        for (int i = 1; i <= 200; i++) {
            probe.send(TopicProbe.event("warm-" + i, photos.get(i % photos.size()), null));
        }
        while (probe.predictions("warm-200").isEmpty()) {
            Thread.sleep(20);
        }
    }

    /**
     * Sends {@code events} events, paced at {@code rate} per second (0: as fast as the producer goes), and waits
     * for every prediction. Throughput: events over the time from the first send to the last prediction.
     */
    private static Run run(TopicProbe probe, List<byte[]> photos, String name, int events, double rate)
            throws InterruptedException {
        List<String> ids = new ArrayList<>(events);
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            if (rate > 0) {
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            String id = name + "-" + i;
            ids.add(id);
            ImageEvent event = TopicProbe.event(id, photos.get(i % photos.size()), new GeoPoint(34.045, -118.25));
            probe.sendAsync(event);
        }
        List<TopicProbe.Output<dev.geoloc.schemas.RegionPrediction>> answers = probe.awaitPredictions(ids);
        long endMillis = answers.stream().mapToLong(TopicProbe.Output::receivedMillis).max().orElseThrow();
        // upload_time = processed_time - end_to_end_latency_ms: both are in the prediction
        double[] latencies = answers.stream().mapToDouble(a -> a.receivedMillis()
                - (a.value().getProcessedTime().toEpochMilli() - a.value().getEndToEndLatencyMs())).toArray();
        double[] processing = answers.stream().mapToDouble(a -> a.value().getEndToEndLatencyMs()).toArray();
        double meanBatch = answers.stream().mapToInt(a -> a.value().getBatchSize()).average().orElse(0);
        return new Run(name, events, rate, events / ((endMillis - startMillis) / 1e3), latencies, processing, meanBatch);
    }

    private static void print(Raw raw, Run saturated, Run half) {
        System.out.println();
        System.out.println("End-to-end latency from upload_time: to a read_committed consumer (visible), and to the processor"
                + " emitting the prediction (processed).");
        System.out.println("| Load | Events | Offered (ev/s) | Sustained (pred/s) | Mean batch | p50 visible (ms) | p95 visible | p99 visible | p50 processed | p99 processed |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Run run : List.of(saturated, half)) {
            System.out.printf(Locale.ROOT, "| %s | %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
                    run == saturated ? "saturation" : "half of saturation", run.events(),
                    run.offeredRate() == 0 ? "as fast as possible" : String.format(Locale.ROOT, "%.1f", run.offeredRate()),
                    run.throughput(), run.meanBatch(), run.percentile(50), run.percentile(95), run.percentile(99),
                    run.processingPercentile(50), run.processingPercentile(99));
        }
        double ratio = saturated.throughput() / raw.imagesPerSecond();
        double bound = MAX_DELAY.toMillis() + 2 * raw.batchMillis();
        System.out.println();
        System.out.printf(Locale.ROOT, "Processor / raw model throughput: %.2f (target >= 0.90: %s)%n", ratio,
                ratio >= 0.9 ? "met" : "missed");
        System.out.printf(Locale.ROOT, "Half-load p99 vs max delay + 2 batch inferences = %.1f ms: visible %.1f ms (%s), "
                + "processed %.1f ms (%s)%n", bound, half.percentile(99), half.percentile(99) < bound ? "met" : "missed",
                half.processingPercentile(99), half.processingPercentile(99) < bound ? "met" : "missed");
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
