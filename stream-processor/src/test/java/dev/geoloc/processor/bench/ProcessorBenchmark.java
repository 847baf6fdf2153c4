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
    /** The processor's kafka-streams.commit.interval.ms: how long an answer may wait for its transaction's commit. */
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    /** A warm-up round's events: 1,000, or fewer where photos are large or the model slow ({@link #warmUpRound}). */
    private static final int WARM_UP_EVENTS = 1000;
    private static final long WARM_UP_BYTES = 30L << 20;
    private static final double SETTLED = 0.05;
    private static final Duration WARM_UP_LIMIT = Duration.ofSeconds(120);
    private static final java.util.concurrent.atomic.AtomicInteger WARM_UPS = new java.util.concurrent.atomic.AtomicInteger();

    public static void main(String[] args) {
        try {
            benchmark(args);
        } catch (Exception e) {
            // The broker and registry run on non-daemon threads of this JVM: without an exit it would outlive the failure
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void benchmark(String[] args) throws Exception {
        // The arguments, as one string or several: the number of events, then processor settings, key=value, e.g.
        // kafka-streams.num.stream.threads=2.
        int events = 2000;
        boolean againstPython = false;
        boolean profile = false;
        String compared = null;
        PhotoSet photoSet = PhotoSet.SYNTHCITY;
        Path encoder = null;
        Map<String, String> extra = new java.util.TreeMap<>();
        for (String arg : args) {
            for (String token : arg.trim().split("\\s+")) {
                if (token.matches("\\d+")) {
                    events = Integer.parseInt(token);
                } else if (token.equals("--against-python")) {
                    againstPython = true;
                } else if (token.equals("--profile")) {
                    profile = true;
                } else if (token.startsWith("--encoder=")) {
                    encoder = Path.of(token.substring(10)).toAbsolutePath();
                } else if (token.startsWith("--photos=")) {
                    photoSet = PhotoSet.valueOf(token.substring(9).toUpperCase(Locale.ROOT).replace('-', '_'));
                } else if (token.startsWith("--ab-env=") && token.indexOf('=', 9) > 9) {
                    compared = token.substring(9);
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
        if (encoder == null) {
            TestBundles.untrained(bundle, "tiny-cnn", TestBundles.CLASSIFIER, catalog);
        } else {
            TestBundles.untrained(bundle, encoder, TestBundles.CLASSIFIER, catalog);
        }
        String model = encoder == null ? "tiny-cnn" : encoder.getFileName().toString();
        List<byte[]> photos = photoSet.photos(catalog);
        // Kept as files, for measuring another decoder on the very same bytes
        Path photoFiles = Files.createDirectories(work.resolve("photos-" + photoSet.name().toLowerCase(Locale.ROOT)));
        for (int i = 0; i < photos.size(); i++) {
            Files.write(photoFiles.resolve(i + ".jpg"), photos.get(i));
        }
        System.out.printf(Locale.ROOT, "Model: %s (untrained head), batch %d, max delay %d ms; %d %s of %d bytes on average%n",
                model, BATCH, MAX_DELAY.toMillis(), photos.size(), photoSet.description,
                (int) photos.stream().mapToInt(p -> p.length).average().orElse(0));

        Raw raw = rawThroughput(bundle, photos);
        System.out.printf(Locale.ROOT, "Raw batched model (this JVM, preprocessing included): %.1f img/s; batch of %d: %.1f ms median%n",
                raw.imagesPerSecond(), BATCH, raw.batchMillis());

        List<StageCosts.Stage> stages = new ArrayList<>(StageCosts.measure(bundle, photos, new int[] {1, 8, 16, 32}));

        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Map<String, String> settings = new java.util.TreeMap<>(Map.of("geoloc.batching.max-size", String.valueOf(BATCH),
                "geoloc.batching.max-delay", MAX_DELAY.toMillis() + "ms", "geoloc.model.device", "cpu",
                "kafka-streams.session.timeout.ms", "6000"));
        settings.putAll(extra);
        System.out.println("Processor settings: " + settings);
        if (compared != null) {
            try (TopicProbe probe = new TopicProbe()) {
                compareEnvironment(stack, probe, bundle, photos, raw.imagesPerSecond(), settings, work, events, compared);
            }
            return;
        }
        try (TopicProbe probe = new TopicProbe()) {
            Run saturated;
            Run half;
            try (ProcessorProcess processor = ProcessorProcess.start(stack, bundle, work.resolve("state-" + System.nanoTime()),
                    work.resolve("processor.log"), settings)) {
                Target target = new Target(probe::sendAsync, ids -> fromProcessor(probe.awaitPredictions(ids)),
                        () -> processor.isAlive() ? "" : "the processor died; its log:\n" + processor.logTail(), processor.pid());
                warmUp(target, photos, raw.imagesPerSecond(), "the processor");
                HotFrames recording = profile ? HotFrames.start(processor.pid(), work.resolve("processor.jfr")) : null;
                saturated = run(target, photos, "sat", events, 0);
                if (recording != null) {
                    recording.stopAndPrint("the processor at saturation");
                }
                String memory = memory(processor.pid());
                half = run(target, photos, "half", Math.max(200, events / 2), saturated.throughput() / 2);
                System.out.println("Processor memory after the saturation run (-Xmx1g, the launcher's malloc settings): " + memory);
            }
            print(raw, saturated, half, encoder == null);
            printCpu("the processor", saturated);
            stages.add(StageCosts.outputEncode(probe.predictions("sat-0").get(0).value()));
            StageCosts.print(stages, saturated);
            if (againstPython) {
                // After the processor has stopped: the two never share the machine's cores.
                try (PythonReference python = PythonReference.start(stack, bundle, TestTopics.PARTITIONS, BATCH, MAX_DELAY,
                        work.resolve("python-reference.log"))) {
                    Target target = new Target(event -> probe.sendAsync(PythonReference.EVENTS, event), python::await,
                            () -> "", python.pid());
                    warmUp(target, photos, raw.imagesPerSecond(), "the Python reference");
                    Run reference = run(target, photos, "py", events, 0);
                    printAgainstPython(saturated, reference);
                }
            }
        }
    }

    /** Resident memory now and at its peak, from /proc (Linux): what a container's memory limit must hold. */
    static String memory(long pid) throws java.io.IOException {
        Map<String, String> status = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            String[] pair = line.split(":\\s+", 2);
            if (pair.length == 2) {
                status.put(pair[0], pair[1]);
            }
        }
        return String.format(Locale.ROOT, "RSS %d MiB, peak %d MiB; %s", kib(status.get("VmRSS")) / 1024,
                kib(status.get("VmHWM")) / 1024, heap(pid));
    }

    /** The Java heap's committed and used size, as the JVM reports it (jcmd GC.heap_info): the part of RSS it explains. */
    private static String heap(long pid) {
        String output;
        try {
            output = Jcmd.run(pid, "GC.heap_info");
        } catch (java.io.IOException e) {
            return "Java heap unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Java heap unknown (interrupted)";
        }
        java.util.regex.Matcher heap = java.util.regex.Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K").matcher(output);
        return heap.find() ? String.format(Locale.ROOT, "Java heap committed %d MiB, used %d MiB",
                Long.parseLong(heap.group(1)) / 1024, Long.parseLong(heap.group(2)) / 1024) : "Java heap unknown";
    }

    private static long kib(String value) {
        return Long.parseLong(value.replace("kB", "").trim());
    }

    record Raw(double imagesPerSecond, double batchMillis) {
    }

    /**
     * An A/B of environment variables of the processor's process (e.g. OMP_WAIT_POLICY=PASSIVE, or several
     * NAME=VALUE joined by commas): four processors one after another, without, with, without, with, each warmed up
     * and then measured at saturation, so that the machine's drift over minutes falls on both sides. Prints each
     * round, its resident memory, and the ratio of the means.
     */
    private static void compareEnvironment(StreamingStack stack, TopicProbe probe, Path bundle, List<byte[]> photos, double rawRate,
                                           Map<String, String> settings, Path work, int events, String variables)
            throws Exception {
        Map<String, String> compared = new java.util.LinkedHashMap<>();
        for (String variable : variables.split(",")) {
            String[] pair = variable.split("=", 2);
            if (pair.length != 2 || pair[0].isEmpty()) {
                throw new IllegalArgumentException("--ab-env takes NAME=VALUE[,NAME=VALUE...], not " + variables);
            }
            compared.put(pair[0], pair[1]);
        }
        List<double[]> rounds = new ArrayList<>();
        List<String> memories = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            boolean with = round % 2 == 1;
            Map<String, String> environment = new java.util.HashMap<>();
            compared.forEach((name, value) -> environment.put(name, with ? value : null));
            try (ProcessorProcess processor = ProcessorProcess.start(stack, bundle, work.resolve("state-" + System.nanoTime()),
                    work.resolve("processor-ab-" + round + ".log"), settings, environment)) {
                Target target = new Target(probe::sendAsync, ids -> fromProcessor(probe.awaitPredictions(ids)),
                        () -> processor.isAlive() ? "" : "the processor died; its log:\n" + processor.logTail(), processor.pid());
                String who = "the processor " + (with ? "with " + variables : "without " + String.join(", ", compared.keySet()));
                warmUp(target, photos, rawRate, who);
                Run run = run(target, photos, "ab-" + round, events, 0);
                memories.add(memory(processor.pid()));
                rounds.add(new double[] {with ? 1 : 0, run.throughput(), run.cpu().total() / run.events(), run.meanBatch()});
                printCpu(who, run);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "A/B of %s at saturation, %d events a round:%n", variables, events);
        System.out.println("| Round | " + variables + " | Sustained (pred/s) | Processor CPU ms per event | Mean batch | Memory after the round |");
        System.out.println("|---:|---|---:|---:|---:|---|");
        for (int i = 0; i < rounds.size(); i++) {
            double[] r = rounds.get(i);
            System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.3f | %.1f | %s |%n", i + 1, r[0] == 1 ? "set" : "unset", r[1],
                    r[2], r[3], memories.get(i));
        }
        double without = rounds.stream().filter(r -> r[0] == 0).mapToDouble(r -> r[1]).average().orElseThrow();
        double with = rounds.stream().filter(r -> r[0] == 1).mapToDouble(r -> r[1]).average().orElseThrow();
        System.out.printf(Locale.ROOT, "With / without, throughput: %.2f (%.1f / %.1f pred/s, mean of the two rounds each)%n",
                with / without, with, without);
    }

    /** One answer as the benchmark's read_committed consumer got it: when, and the times and batch it carries. */
    record Arrival(long receivedMillis, double uploadMillis, double processedMillis, int batchSize) {
    }

    /** Whatever answers the events: how to send one, and how to wait for the answers to some. */
    record Target(java.util.function.Consumer<ImageEvent> send, Answers answers, java.util.function.Supplier<String> death,
                  long pid) {
    }

    interface Answers {
        List<Arrival> await(List<String> ids) throws Exception;
    }

    private static List<Arrival> fromProcessor(List<TopicProbe.Output<dev.geoloc.schemas.RegionPrediction>> answers) {
        // upload_time = processed_time - end_to_end_latency_ms: both are in the prediction
        return answers.stream().map(a -> new Arrival(a.receivedMillis(),
                a.value().getProcessedTime().toEpochMilli() - a.value().getEndToEndLatencyMs(),
                a.value().getProcessedTime().toEpochMilli(), a.value().getBatchSize())).toList();
    }

    /**
     * @param latenciesMs  upload to arrival at a read_committed consumer: includes waiting for the commit
     * @param processingMs upload to the processor emitting the prediction (its end_to_end_latency_ms)
     */
    record Run(String name, int events, double offeredRate, double throughput, double[] latenciesMs,
               double[] processingMs, double meanBatch, ThreadCpu cpu, ThreadCpu benchmarkCpu, double seconds) {
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

    /**
     * The photos a benchmark sends, cycled: SynthCity's own size, what a Street View collector fetches, or what a
     * phone uploads. SynthCity's grain keeps the JPEGs about as large as camera photos of those sizes.
     */
    enum PhotoSet {
        SYNTHCITY("SynthCity photos (256 x 192 JPEG)", 256, 192, 4, 0.95f),
        STREETVIEW("Street View-sized photos (640 x 640 JPEG)", 640, 640, 1, 0.9f),
        PHONE("phone photos (4032 x 3024 JPEG, 12 MP)", 4032, 3024, 1, 0.92f);

        private final String description;
        private final int width;
        private final int height;
        private final int locationsPerRegion;
        private final float quality;

        PhotoSet(String description, int width, int height, int locationsPerRegion, float quality) {
            this.description = description;
            this.width = width;
            this.height = height;
            this.locationsPerRegion = locationsPerRegion;
            this.quality = quality;
        }

        List<byte[]> photos(RegionCatalog catalog) {
            // SynthCity renders up to 1024 a side: a phone photo is a quarter-size render, enlarged, with sensor grain
            int scale = this == PHONE ? 4 : 1;
            SynthCityGenerator generator = new SynthCityGenerator(catalog, SynthCityConfig.defaults()
                    .withLocationsPerRegion(locationsPerRegion).withSize(width / scale, height / scale));
            List<byte[]> photos = new ArrayList<>();
            List<SynthLocation> locations = generator.locations();
            // 12 MP photos take a second each to make and megabytes to hold: 8 of them, cycled, are enough
            int count = this == PHONE ? 8 : locations.size();
            java.util.SplittableRandom grain = new java.util.SplittableRandom(7);
            for (SynthLocation location : locations.subList(0, count)) {
                BufferedImage image = generator.render(location, 0);
                photos.add(TestImages.jpeg(scale == 1 ? image : enlarged(image, scale, grain), false, quality));
            }
            return photos;
        }

        private static BufferedImage enlarged(BufferedImage image, int scale, java.util.SplittableRandom grain) {
            BufferedImage large = new BufferedImage(image.getWidth() * scale, image.getHeight() * scale,
                    BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = large.createGraphics();
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(image, 0, 0, large.getWidth(), large.getHeight(), null);
            g.dispose();
            int[] pixels = ((java.awt.image.DataBufferInt) large.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < pixels.length; i++) {
                int n = grain.nextInt(-6, 7);
                int r = channel((pixels[i] >> 16) & 0xFF, n);
                int gr = channel((pixels[i] >> 8) & 0xFF, n);
                int b = channel(pixels[i] & 0xFF, n);
                pixels[i] = (r << 16) | (gr << 8) | b;
            }
            return large;
        }

        private static int channel(int value, int grain) {
            return Math.max(0, Math.min(255, value + grain));
        }
    }

    /**
     * The model alone: preprocess and predict full batches back to back, median over 10 rounds of up to 10 batches
     * (as many as take about a second: a ViT-S/14 on two cores takes more than that for one batch).
     */
    static Raw rawThroughput(Path bundlePath, List<byte[]> photos) throws Exception {
        PredictorOptions options = new PredictorOptions("cpu", 3, 0.9, 1, ImageLimits.DEFAULT);
        try (ModelBundle bundle = ModelBundle.open(bundlePath);
             RegionPredictor predictor = RegionPredictor.load(bundle, options)) {
            predictor.warmUp(BATCH);
            List<byte[]> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                batch.add(photos.get(i % photos.size()));
            }
            long once = System.nanoTime();
            predictor.predictImages(batch);
            int batches = (int) Math.max(1, Math.min(10, 1e9 / (System.nanoTime() - once)));
            double[] rates = new double[10];
            double[] batchMillis = new double[10];
            for (int round = 0; round < rates.length; round++) {
                long start = System.nanoTime();
                for (int b = 0; b < batches; b++) {
                    predictor.predictImages(batch);
                }
                long elapsed = System.nanoTime() - start;
                rates[round] = (double) batches * BATCH / (elapsed / 1e9);
                batchMillis[round] = elapsed / batches / 1e6;
            }
            return new Raw(median(rates), median(batchMillis));
        }
    }

    /**
     * One event answered, then rounds of {@link #warmUpRound} events as fast as they go, until the JIT compiler
     * threads use less than {@link #SETTLED} of the consumer's CPU in a round (or {@link #WARM_UP_LIMIT} passes): a
     * long-running processor is compiled, and with 200 warm-up events its compiler threads still used a third of
     * its CPU in the measured run. A consumer without a JIT settles in one round.
     */
    private static void warmUp(Target target, List<byte[]> photos, double rawRate, String who) throws Exception {
        String prefix = "warm" + WARM_UPS.incrementAndGet(); // each warm-up its own keys: the probe keeps every answer
        target.send().accept(TopicProbe.event(prefix, photos.get(0), null));
        target.answers().await(List.of(prefix));
        long deadline = System.nanoTime() + WARM_UP_LIMIT.toNanos();
        int rounds = 0;
        int size = warmUpRound(photos, rawRate);
        double compiling;
        do {
            Run round = run(target, photos, prefix + "-" + rounds++, size, 0);
            double total = round.cpu().total();
            compiling = round.cpu().millisByName().entrySet().stream()
                    .filter(e -> e.getKey().contains("CompilerThre")).mapToDouble(Map.Entry::getValue).sum() / total;
            String death = target.death().get();
            if (!death.isEmpty()) {
                throw new IllegalStateException(death);
            }
        } while (compiling >= SETTLED && System.nanoTime() < deadline);
        System.out.printf(Locale.ROOT, "Warm-up of %s: %d events; the JIT compiler used %.0f %% of its CPU in the last round%n",
                who, 1 + rounds * size, 100 * compiling);
    }

    /** At most 1,000 events, about 30 MB, or 5 s of the raw model's rate, whichever is least; at least 50. */
    private static int warmUpRound(List<byte[]> photos, double rawRate) {
        double mean = photos.stream().mapToInt(p -> p.length).average().orElse(1);
        return (int) Math.max(50, Math.min(Math.min(WARM_UP_EVENTS, WARM_UP_BYTES / mean), 5 * rawRate));
    }

    /**
     * Sends {@code events} events, paced at {@code rate} per second (0: as fast as the producer goes), and waits
     * for every answer. Throughput: events over the time from the first send to the last answer.
     */
    private static Run run(Target target, List<byte[]> photos, String name, int events, double rate) throws Exception {
        List<String> ids = new ArrayList<>(events);
        ThreadCpu cpuBefore = ThreadCpu.of(target.pid());
        ThreadCpu benchmarkBefore = ThreadCpu.of(ProcessHandle.current().pid());
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
            target.send().accept(TopicProbe.event(id, photos.get(i % photos.size()), new GeoPoint(34.045, -118.25)));
        }
        List<Arrival> answers = target.answers().await(ids);
        ThreadCpu cpu = ThreadCpu.of(target.pid()).since(cpuBefore);
        ThreadCpu benchmarkCpu = ThreadCpu.of(ProcessHandle.current().pid()).since(benchmarkBefore);
        double seconds = (System.nanoTime() - start) / 1e9;
        long endMillis = answers.stream().mapToLong(Arrival::receivedMillis).max().orElseThrow();
        double[] latencies = answers.stream().mapToDouble(a -> a.receivedMillis() - a.uploadMillis()).toArray();
        double[] processing = answers.stream().mapToDouble(a -> a.processedMillis() - a.uploadMillis()).toArray();
        double meanBatch = answers.stream().mapToInt(Arrival::batchSize).average().orElse(0);
        return new Run(name, events, rate, events / ((endMillis - startMillis) / 1e3), latencies, processing, meanBatch,
                cpu, benchmarkCpu, seconds);
    }

    /** @param tinyCnn whether the model is tiny-cnn, whose target against the raw model is lower (issue 18) */
    private static void print(Raw raw, Run saturated, Run half, boolean tinyCnn) {
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
        double target = tinyCnn ? 0.6 : 0.9;
        double bound = MAX_DELAY.toMillis() + 2 * raw.batchMillis() + COMMIT_INTERVAL.toMillis();
        System.out.println();
        System.out.printf(Locale.ROOT, "Processor / raw model throughput: %.2f (target >= %.2f: %s)%n", ratio, target,
                ratio >= target ? "met" : "missed");
        System.out.printf(Locale.ROOT, "Half-load p99 vs max delay + 2 batch inferences + commit interval = %.1f ms: "
                + "visible %.1f ms (%s), processed %.1f ms (%s)%n", bound, half.percentile(99),
                half.percentile(99) <= bound ? "met" : "missed", half.processingPercentile(99),
                half.processingPercentile(99) <= bound ? "met" : "missed");
    }

    /**
     * Where a run's CPU went: milliseconds per event by thread name in the consumer's process (rows of at least 1 %),
     * and in this JVM, which runs the broker, the registry and the benchmark's own clients on the same cores.
     */
    static void printCpu(String who, Run run) {
        System.out.println();
        System.out.printf(Locale.ROOT, "CPU of %s during the %s run (%d events, %.1f s; /proc, by thread name):%n",
                who, run.name(), run.events(), run.seconds());
        System.out.println("| Thread | CPU ms per event | Share | Minor page faults per event |");
        System.out.println("|---|---:|---:|---:|");
        double total = run.cpu().total();
        run.cpu().millisByName().entrySet().stream()
                .filter(e -> e.getValue() >= 0.01 * total)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %.3f | %.0f %% | %.0f |%n", e.getKey(),
                        e.getValue() / run.events(), 100 * e.getValue() / total,
                        run.cpu().minorFaultsByName().getOrDefault(e.getKey(), 0L) / (double) run.events()));
        System.out.printf(Locale.ROOT, "| all of %s | %.3f | %.2f cores | %.0f |%n", who, total / run.events(),
                total / 1e3 / run.seconds(), run.cpu().minorFaultsByName().values().stream().mapToLong(Long::longValue).sum()
                        / (double) run.events());
        System.out.printf(Locale.ROOT, "| broker, registry and benchmark clients (benchmark JVM) | %.3f | %.2f cores | |%n",
                run.benchmarkCpu().total() / run.events(), run.benchmarkCpu().total() / 1e3 / run.seconds());
        double benchmarkTotal = run.benchmarkCpu().total();
        run.benchmarkCpu().millisByName().entrySet().stream()
                .filter(e -> e.getValue() >= 0.05 * benchmarkTotal)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "| - of which %s | %.3f | %.0f %% | |%n", e.getKey(),
                        e.getValue() / run.events(), 100 * e.getValue() / benchmarkTotal));
    }

    private static void printAgainstPython(Run processor, Run python) {
        System.out.println();
        System.out.println("Python reference (bench/python-reference: Confluent's client, OpenCV, torch; read_committed,"
                + " transactions every 100 ms), same events, same bundle, after the processor stopped:");
        System.out.println("| Consumer | Events | Sustained (pred/s) | Mean batch | p50 visible (ms) | p99 visible | p50 processed | p99 processed |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Run run : List.of(processor, python)) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n",
                    run == processor ? "processor" : "Python reference", run.events(), run.throughput(), run.meanBatch(),
                    run.percentile(50), run.percentile(99), run.processingPercentile(50), run.processingPercentile(99));
        }
        printCpu("the Python reference", python);
        double ratio = processor.throughput() / python.throughput();
        System.out.printf(Locale.ROOT, "Processor / Python reference throughput: %.2f (target >= 2.00: %s)%n", ratio,
                ratio >= 2 ? "met" : "missed");
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
