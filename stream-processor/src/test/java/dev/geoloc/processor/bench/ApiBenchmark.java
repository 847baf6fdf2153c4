package dev.geoloc.processor.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.geoloc.model.TestBundles;
import dev.geoloc.processor.ProcessorProcess;
import dev.geoloc.processor.TestTopics;
import dev.geoloc.processor.api.GeotagClient;
import dev.geoloc.processor.api.GeotagRoutes;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * The synchronous geotag API of the packaged processor (its own process) under 1, 8 and 32 clients, each sending
 * its next SynthCity photo as soon as its last is answered: requests per second, latency percentiles as the
 * client sees them, and the batch sizes the model saw, next to the raw batched model in this JVM, in the same run.
 * Run: {@code ./geoloc bench-api [SECONDS per level]}.
 */
public final class ApiBenchmark {

    private static final int BATCH = 32;
    private static final int[] CLIENTS = {1, 8, 32};

    private record Level(int clients, int answered, int refused, double seconds, double[] latenciesMs, double meanBatch) {

        double percentile(double p) {
            double[] sorted = latenciesMs.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
        }
    }

    /** One client's requests: latency and batch size of each answer, and how many were refused. */
    private record Client(List<Double> latenciesMs, List<Integer> batches, int refused) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 && !args[0].isBlank() ? Integer.parseInt(args[0].trim()) : 10;
        Path work = Files.createDirectories(Path.of("target", "bench-api").toAbsolutePath());
        RegionCatalog catalog = RegionCatalog.losAngeles();
        Path bundle = work.resolve("bundle-" + System.nanoTime());
        TestBundles.untrained(bundle, "tiny-cnn", TestBundles.CLASSIFIER, catalog);
        List<byte[]> photos = ProcessorBenchmark.PhotoSet.SYNTHCITY.photos(catalog);
        System.out.printf(Locale.ROOT, "Model: tiny-cnn (untrained head), batch up to %d, max delay 20 ms; %d SynthCity "
                + "photos of %d bytes on average; %d s per level%n", BATCH, photos.size(),
                (int) photos.stream().mapToInt(p -> p.length).average().orElse(0), seconds);
        ProcessorBenchmark.Raw raw = ProcessorBenchmark.rawThroughput(bundle, photos);
        System.out.printf(Locale.ROOT, "Raw batched model (this JVM, preprocessing included): %.1f img/s%n",
                raw.imagesPerSecond());

        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Map<String, String> settings = Map.of("geoloc.batching.max-size", String.valueOf(BATCH),
                "geoloc.model.device", "cpu", "kafka-streams.session.timeout.ms", "6000");
        List<Level> levels = new ArrayList<>();
        try (ProcessorProcess processor = ProcessorProcess.start(stack, bundle, work.resolve("state-" + System.nanoTime()),
                work.resolve("processor.log"), settings)) {
            processor.awaitOrFail(() -> processor.httpPort().isPresent(), 120, "the HTTP port opening", () -> "");
            GeotagClient api = new GeotagClient(URI.create("http://127.0.0.1:" + processor.httpPort().getAsInt()
                    + GeotagRoutes.PATH).toURL());
            processor.awaitOrFail(() -> api.image(photos.get(0), "").status() == 200, 120, "a first answer", () -> "");
            for (int clients : CLIENTS) {
                run(api, photos, clients, 2); // warm-up at this concurrency
                levels.add(run(api, photos, clients, seconds));
            }
        }
        print(raw, levels);
        System.exit(0);
    }

    private static Level run(GeotagClient api, List<byte[]> photos, int clients, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<Client>> running = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int first = c * 7;
            running.add(pool.submit(() -> {
                List<Double> latencies = new ArrayList<>();
                List<Integer> batches = new ArrayList<>();
                int refused = 0;
                for (int i = first; System.nanoTime() < end; i++) {
                    long sent = System.nanoTime();
                    GeotagClient.Answer answer = api.image(photos.get(i % photos.size()), "");
                    if (answer.status() == 200) {
                        latencies.add((System.nanoTime() - sent) / 1e6);
                        batches.add(answer.body().at("/batch_size").asInt());
                    } else {
                        refused++;
                    }
                }
                return new Client(latencies, batches, refused);
            }));
        }
        List<Double> latencies = new ArrayList<>();
        List<Integer> batches = new ArrayList<>();
        int refused = 0;
        for (Future<Client> client : running) {
            latencies.addAll(client.get().latenciesMs());
            batches.addAll(client.get().batches());
            refused += client.get().refused();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Level(clients, latencies.size(), refused, elapsed,
                latencies.stream().mapToDouble(Double::doubleValue).toArray(),
                batches.stream().mapToInt(Integer::intValue).average().orElse(0));
    }

    private static void print(ProcessorBenchmark.Raw raw, List<Level> levels) {
        System.out.println();
        System.out.println("| Clients | Answered | Refused | Requests/s | p50 (ms) | p99 (ms) | Mean batch | / raw model |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Level level : levels) {
            double rate = level.answered() / level.seconds();
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.2f |%n", level.clients(),
                    level.answered(), level.refused(), rate, level.percentile(50), level.percentile(99),
                    level.meanBatch(), rate / raw.imagesPerSecond());
        }
    }
}
