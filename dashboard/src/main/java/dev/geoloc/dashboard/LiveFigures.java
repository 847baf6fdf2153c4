package dev.geoloc.dashboard;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.ModelStatus;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RolloutRole;

/**
 * What the dashboard shows, aggregated on the server as records come: however fast the processor answers, a browser
 * gets one bounded snapshot a few times a second. Bounded: the last {@value #POINTS} points, the last
 * {@value #LATENCIES} latencies, the last {@value #REASONS} dead-letter reasons, the last {@value #TIMELINE} timeline
 * entries. Thread-safe: the reader thread records, the server's thread takes snapshots.
 */
final class LiveFigures {

    static final int POINTS = 300;
    static final int LATENCIES = 2000;
    static final int REASONS = 8;
    static final int TIMELINE = 50;
    /** The window predictions per second are counted over. */
    private static final long RATE_WINDOW_MILLIS = 5000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One model version's live figures; errors only over the predictions whose event carried its ground truth. */
    private static final class Version {
        long predictions;
        long labelled;
        long correct;
        double actualErrorKm;
        double expectedErrorKmLabelled;
        final Deque<Long> recentMillis = new ArrayDeque<>();
    }

    private final Map<String, Version> versions = new TreeMap<>();
    private final Map<DeadLetterCode, Long> deadLetters = new EnumMap<>(DeadLetterCode.class);
    private final Deque<ObjectNode> reasons = new ArrayDeque<>();
    private final Deque<ObjectNode> timeline = new ArrayDeque<>();
    private final Deque<ObjectNode> points = new ArrayDeque<>();
    private final double[] latencies = new double[LATENCIES];
    private long latencyCount;
    private long updates;
    private long unreadable;

    synchronized void prediction(RegionPrediction p, long nowMillis) {
        Version version = versions.computeIfAbsent(p.getModelName() + " v" + p.getModelVersion(), v -> new Version());
        version.predictions++;
        version.recentMillis.addLast(nowMillis);
        if (p.getActualErrorKm() != null) {
            version.labelled++;
            version.correct += p.getPredictedRegion().getRegionId().equals(p.getTrueRegionId()) ? 1 : 0;
            version.actualErrorKm += p.getActualErrorKm();
            version.expectedErrorKmLabelled += p.getExpectedErrorKm();
        }
        latencies[(int) (latencyCount++ % LATENCIES)] = p.getEndToEndLatencyMs();
        ObjectNode point = JSON.createObjectNode().put("id", p.getImageId()).put("version", p.getModelVersion())
                .put("lat", p.getEstimatedLocation().getLatitude()).put("lon", p.getEstimatedLocation().getLongitude())
                .put("region", p.getPredictedRegion().getRegionName());
        if (p.getActualErrorKm() != null) {
            point.put("errorKm", p.getActualErrorKm());
            point.put("trueRegion", p.getTrueRegionId());
        }
        if (p.getGroundTruth() != null) {
            point.put("trueLat", p.getGroundTruth().getLatitude()).put("trueLon", p.getGroundTruth().getLongitude());
        }
        add(points, point, POINTS);
        updates++;
    }

    synchronized void deadLetter(DeadLetter letter) {
        deadLetters.merge(letter.getErrorCode(), 1L, Long::sum);
        add(reasons, JSON.createObjectNode().put("code", letter.getErrorCode().name()).put("reason", letter.getReason())
                .put("time", letter.getFailedTime().toString()), REASONS);
        updates++;
    }

    /** A rollout action on model-versions: a version published (stable, canary, shadow) or withdrawn. */
    synchronized void published(ModelVersion version) {
        String action = version.getRole() == RolloutRole.WITHDRAWN ? "WITHDRAWN"
                : "PUBLISHED" + (version.getRole() == RolloutRole.STABLE ? "" : " as " + version.getRole()
                        + (version.getRole() == RolloutRole.CANARY ? " " + version.getTrafficPercent() + " %" : ""));
        add(timeline, JSON.createObjectNode().put("model", version.getModelName()).put("version", version.getVersion())
                .put("state", action).put("instance", "")
                .put("reason", String.format(java.util.Locale.ROOT, "test accuracy %.1f %%, mean error %.2f km",
                        100 * version.getMetrics().getAccuracy(), version.getMetrics().getMeanErrorKm()))
                .put("time", java.time.Instant.now().toString()), TIMELINE);
        updates++;
    }

    synchronized void status(ModelStatus status) {
        add(timeline, JSON.createObjectNode().put("model", status.getModelName()).put("version", status.getVersion())
                .put("state", status.getState().name()).put("instance", status.getInstance())
                .put("reason", status.getReason() == null ? "" : status.getReason())
                .put("time", status.getReportedTime().toString()), TIMELINE);
        updates++;
    }

    /** A record that could not be read (another schema, a broken payload): skipped, and counted on the page. */
    synchronized void unreadable() {
        unreadable++;
        updates++;
    }

    /** How many records changed the figures: a snapshot is pushed only when it moved. */
    synchronized long updates() {
        return updates;
    }

    synchronized ObjectNode snapshot(long nowMillis) {
        ObjectNode root = JSON.createObjectNode().put("unreadable", unreadable);
        ArrayNode versionRows = root.putArray("versions");
        versions.forEach((name, v) -> {
            while (!v.recentMillis.isEmpty() && v.recentMillis.peekFirst() < nowMillis - RATE_WINDOW_MILLIS) {
                v.recentMillis.removeFirst();
            }
            ObjectNode row = versionRows.addObject().put("version", name).put("predictions", v.predictions)
                    .put("perSecond", v.recentMillis.size() * 1000.0 / RATE_WINDOW_MILLIS).put("labelled", v.labelled);
            if (v.labelled > 0) {
                row.put("accuracy", (double) v.correct / v.labelled).put("meanErrorKm", v.actualErrorKm / v.labelled)
                        .put("meanExpectedErrorKm", v.expectedErrorKmLabelled / v.labelled);
            }
        });
        ObjectNode letters = root.putObject("deadLetters");
        deadLetters.forEach((code, count) -> letters.put(code.name(), count));
        root.putArray("reasons").addAll(reasons);
        root.putArray("timeline").addAll(timeline);
        root.putArray("points").addAll(points);
        int n = (int) Math.min(latencyCount, LATENCIES);
        ObjectNode latency = root.putObject("latencyMs").put("samples", n);
        if (n > 0) {
            double[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            latency.put("p50", percentile(sorted, 50)).put("p95", percentile(sorted, 95)).put("p99", percentile(sorted, 99));
        }
        return root;
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static void add(Deque<ObjectNode> ring, ObjectNode item, int capacity) {
        ring.addLast(item);
        if (ring.size() > capacity) {
            ring.removeFirst();
        }
    }
}
