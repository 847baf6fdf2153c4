package dev.geoloc.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.geoloc.contracts.DeadLetterKeys;
import dev.geoloc.contracts.Topics;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.PanoramaPrediction;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.trainer.send.AnswerTopics;
import dev.geoloc.trainer.send.PhotoStream;

/**
 * The platform's side of the demo: sends photo events with their ground truth, each marked with the panorama (the
 * dataset's location) it was taken in, at a steady rate on a thread of its own; reads predictions, panorama answers
 * and dead letters as a dashboard would (read_committed), prints each as a table row, and keeps the figures per model
 * version for the summary. Its maps belong to the streaming thread until {@link #stopStreaming} has joined it.
 */
final class LiveFeed implements AutoCloseable {

    private static final String ROW = "  %-10s %-26s %-26s %5s %8s %8s %8s  %s%n";

    /** Per model version: how its predictions did against the ground truth. */
    static final class VersionStats {
        int predictions;
        int correct;
        double actualErrorKm;
        double expectedErrorKm;
        /** Predictions that came with a finer point (a gallery's or a cell's), the sum of its errors and of its expected errors. */
        int refined;
        double refinedErrorKm;
        double refinedExpectedErrorKm;
    }

    private final PrintWriter out;
    private final RegionCatalog catalog;
    private final SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, String> truthRegion = new ConcurrentHashMap<>();
    private final Map<Integer, VersionStats> stats = new TreeMap<>();
    private final ConcurrentLinkedQueue<String> answered = new ConcurrentLinkedQueue<>();
    /** Each photo's answer and each panorama's latest, for the summary's comparison of the two. */
    private final Map<String, RegionPrediction> photoAnswers = new HashMap<>();
    private final Map<String, PanoramaPrediction> panoramaAnswers = new LinkedHashMap<>();
    private int deadLetters;
    /** Written by the streaming thread, read by the demo's while it waits for a swap. */
    private volatile int highestVersion;
    private volatile int sent;
    private volatile long lastSentNanos;
    private volatile boolean stopRequested;
    private volatile RuntimeException failure;
    private Thread streamer;
    private long streamingSince;
    private long streamingNanos;

    LiveFeed(String bootstrap, String registry, RegionCatalog catalog, PrintWriter out) {
        this.out = out;
        this.catalog = catalog;
        serde.configure(Map.of(RegistryClientConfig.URL, registry), false);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 11 * 1024 * 1024), new ByteArraySerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // This run's answers only.
        AnswerTopics.readFromNow(consumer, List.of(Topics.REGION_PREDICTIONS, Topics.DEAD_LETTERS,
                Topics.PANORAMA_PREDICTIONS));
    }

    void header() {
        out.printf(ROW, "image", "true region", "predicted region", "prob", "exp.err", "act.err", "ref.err", "model");
        out.flush();
    }

    /**
     * Starts sending photos of {@code photos} at {@code perSecond} on a thread of its own, printing answers as they
     * come, until {@link #stopStreaming}: the stream goes on while the demo trains and publishes.
     */
    void startStreaming(PhotoStream photos, double perSecond) {
        streamingSince = System.nanoTime();
        streamer = new Thread(() -> {
            try {
                long start = System.nanoTime();
                for (int i = 0; !stopRequested; i++) {
                    send(photos);
                    long due = start + (long) ((i + 1) * 1e9 / perSecond);
                    while (System.nanoTime() < due && !stopRequested) {
                        poll(Duration.ofMillis(Math.max(1, Math.min(100, (due - System.nanoTime()) / 1_000_000))));
                    }
                }
                producer.flush();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (answered.size() < sent && System.nanoTime() < deadline) {
                    poll(Duration.ofMillis(100));
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }, "demo-stream");
        streamer.start();
    }

    private void send(PhotoStream photos) {
        String id = String.format(Locale.ROOT, "photo-%04d", sent);
        truthRegion.put(id, photos.photo(sent).regionId());
        ImageEvent event;
        try {
            event = photos.event(sent, id);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading photo " + id + " of the dataset failed", e);
        }
        producer.send(new ProducerRecord<>(Topics.IMAGE_EVENTS, id.getBytes(StandardCharsets.UTF_8),
                serde.serializer().serialize(Topics.IMAGE_EVENTS, event)));
        lastSentNanos = System.nanoTime();
        sent++;
    }

    /** Waits until {@code count} photos have been sent in all, or {@code timeout} has passed; returns whether they were. */
    boolean awaitSent(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sent < count && System.nanoTime() < deadline && streamer.isAlive()) {
            Thread.sleep(50);
        }
        return sent >= count;
    }

    /** Waits until a prediction of {@code version} has come, or {@code timeout} has passed; returns whether it has. */
    boolean awaitVersion(int version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (highestVersion < version && System.nanoTime() < deadline && streamer.isAlive()) {
            Thread.sleep(50);
        }
        return highestVersion >= version;
    }

    /** Stops sending, and waits for the answers to what was sent: every photo must have one. */
    void stopStreaming() throws InterruptedException {
        stopRequested = true;
        streamer.join();
        streamingNanos = System.nanoTime() - streamingSince;
        if (failure != null) {
            throw failure;
        }
        if (answered.size() < sent) {
            throw new DemoException((sent - answered.size()) + " photos got no answer within 60 s");
        }
    }

    /** Time spent streaming, from the first event sent to the last answer. */
    long streamingNanos() {
        return streamingNanos;
    }

    private void poll(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
            Object value = serde.deserializer().deserialize(record.topic(), record.value());
            if (value instanceof RegionPrediction prediction) {
                show(prediction);
                photoAnswers.put(prediction.getImageId(), prediction);
                answered.add(prediction.getImageId());
            } else if (value instanceof PanoramaPrediction panorama) {
                panoramaAnswers.put(panorama.getGroupId(), panorama);
                out.printf(Locale.ROOT, "  panorama %s: %d views fused -> %s (%.2f)%s%n", panorama.getGroupId(),
                        panorama.getViews().size(), panorama.getPredictedRegion().getRegionName(),
                        panorama.getPredictedRegion().getProbability(), panorama.getActualErrorKm() == null ? ""
                                : String.format(Locale.ROOT, ", error %.1f km", panorama.getActualErrorKm()));
            } else if (value instanceof DeadLetter letter) {
                deadLetters++;
                DeadLetterKeys.imageId(letter).ifPresent(answered::add);
                out.printf("  dead letter %s: %s%n", letter.getErrorCode(), letter.getReason());
            }
        }
        out.flush();
    }

    private void show(RegionPrediction p) {
        if (p.getModelVersion() > highestVersion) {
            if (highestVersion > 0) {
                // Said only as it was: photos were being sent the moment the new version's first answer came.
                boolean streaming = System.nanoTime() - lastSentNanos < Duration.ofSeconds(1).toNanos();
                out.printf("  ---- model v%d now serving: hot-swapped%s, the processor never stopped ----%n",
                        p.getModelVersion(), streaming ? " while photos kept streaming" : "");
            }
            highestVersion = p.getModelVersion();
        }
        String truth = truthRegion.getOrDefault(p.getImageId(), "?");
        VersionStats version = stats.computeIfAbsent(p.getModelVersion(), v -> new VersionStats());
        version.predictions++;
        version.correct += truth.equals(p.getPredictedRegion().getRegionId()) ? 1 : 0;
        version.actualErrorKm += p.getActualErrorKm() == null ? 0 : p.getActualErrorKm();
        version.expectedErrorKm += p.getExpectedErrorKm();
        if (p.getRefinedErrorKm() != null) {
            version.refined++;
            version.refinedErrorKm += p.getRefinedErrorKm();
            version.refinedExpectedErrorKm += p.getRefinedExpectedErrorKm() == null ? 0 : p.getRefinedExpectedErrorKm();
        }
        out.printf(Locale.ROOT, ROW, p.getImageId(), name(truth), p.getPredictedRegion().getRegionName(),
                String.format(Locale.ROOT, "%.2f", p.getPredictedRegion().getProbability()),
                String.format(Locale.ROOT, "%.1f km", p.getExpectedErrorKm()),
                p.getActualErrorKm() == null ? "-" : String.format(Locale.ROOT, "%.1f km", p.getActualErrorKm()),
                p.getRefinedErrorKm() == null ? "-" : String.format(Locale.ROOT, "%.1f km", p.getRefinedErrorKm()),
                "v" + p.getModelVersion());
    }

    private String name(String regionId) {
        return catalog.byId(regionId).map(r -> r.name()).orElse(regionId);
    }

    Map<Integer, VersionStats> stats() {
        return stats;
    }

    /**
     * The panoramas answered, against the single photos they were fused from: how many, and for each side the share
     * in the right region and the mean error in km.
     */
    record PanoramaComparison(int panoramas, int photos, double fusedAccuracy, double fusedErrorKm,
                              double photoAccuracy, double photoErrorKm) {
    }

    PanoramaComparison panoramas() {
        int fusedRight = 0;
        double fusedError = 0;
        int photos = 0;
        int photosRight = 0;
        double photoError = 0;
        for (PanoramaPrediction panorama : panoramaAnswers.values()) {
            fusedRight += panorama.getPredictedRegion().getRegionId().equals(panorama.getTrueRegionId()) ? 1 : 0;
            fusedError += panorama.getActualErrorKm() == null ? 0 : panorama.getActualErrorKm();
            for (var view : panorama.getViews()) {
                RegionPrediction photo = photoAnswers.get(view.getImageId());
                if (photo != null) {
                    photos++;
                    photosRight += photo.getPredictedRegion().getRegionId().equals(photo.getTrueRegionId()) ? 1 : 0;
                    photoError += photo.getActualErrorKm() == null ? 0 : photo.getActualErrorKm();
                }
            }
        }
        int n = panoramaAnswers.size();
        return new PanoramaComparison(n, photos, (double) fusedRight / Math.max(1, n), fusedError / Math.max(1, n),
                (double) photosRight / Math.max(1, photos), photoError / Math.max(1, photos));
    }

    int sent() {
        return sent;
    }

    /** Photos with more than one answer (a duplicate would be a broken exactly-once). */
    int answeredTwice() {
        return answered.size() - (int) answered.stream().distinct().count();
    }

    int deadLetters() {
        return deadLetters;
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
