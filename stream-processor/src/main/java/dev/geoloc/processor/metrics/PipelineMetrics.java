package dev.geoloc.processor.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.geoloc.schemas.DeadLetterCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The processor's Prometheus metrics (at {@code /q/metrics}), all prefixed {@code geoloc_}: what came in, what
 * went out, and where the time went between the two.
 */
@ApplicationScoped
public class PipelineMetrics {

    /** The upper bounds of every latency histogram's buckets. */
    static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

    private final Counter eventsIn;
    private final Counter predictionsOut;
    private final Map<DeadLetterCode, Counter> deadLetters = new EnumMap<>(DeadLetterCode.class);
    private final DistributionSummary batchSize;
    private final Timer queueWait;
    private final Counter shadowFailures;
    private final MeterRegistry registry;
    /** Each version's timers, registered at its first use instead of looked up in the registry at every prediction. */
    private final Map<Version, VersionTimers> versions = new ConcurrentHashMap<>();

    private record Version(String model, int version) {
    }

    private record VersionTimers(Timer endToEnd, Timer processing, Timer inference) {
    }

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        eventsIn = Counter.builder("geoloc.events.in").description("Image events taken from the input topic")
                .register(registry);
        predictionsOut = Counter.builder("geoloc.predictions.out").description("Predictions produced")
                .register(registry);
        for (DeadLetterCode code : DeadLetterCode.values()) {
            deadLetters.put(code, Counter.builder("geoloc.dead.letters").tag("code", code.name())
                    .description("Events sent to the dead-letter topic, by error code").register(registry));
        }
        batchSize = DistributionSummary.builder("geoloc.batch.size").description("Images per inference batch")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128).register(registry);
        queueWait = latency(Timer.builder("geoloc.queue.wait").description("Time from taking an event to its batch starting"))
                .register(registry);
        shadowFailures = Counter.builder("geoloc.shadow.failures")
                .description("Images the shadow model could not answer (they were answered without it)").register(registry);
    }

    public void eventIn() {
        eventsIn.increment();
    }

    /**
     * A prediction went out from version {@code version} of {@code model}.
     *
     * @param endToEnd   from the event's {@code upload_time}: what a user waits, but a replay of old events inflates it
     * @param processing from when this processor took the event: what the processor itself costs
     */
    public void predictionOut(String model, int version, Duration endToEnd, Duration processing) {
        predictionsOut.increment();
        VersionTimers timers = timersOf(model, version);
        if (!endToEnd.isNegative()) {
            timers.endToEnd().record(endToEnd);
        }
        timers.processing().record(processing);
    }

    public void deadLetter(DeadLetterCode code) {
        deadLetters.get(code).increment();
    }

    /** One batch ran on version {@code version} of {@code model}: its size and its time in the model. */
    public void batch(String model, int version, int size, long inferenceNanos) {
        batchSize.record(size);
        timersOf(model, version).inference().record(Duration.ofNanos(inferenceNanos));
    }

    private VersionTimers timersOf(String model, int version) {
        return versions.computeIfAbsent(new Version(model, version), v -> {
            Tags tags = Tags.of("model", model, "version", String.valueOf(version));
            return new VersionTimers(
                    latency(Timer.builder("geoloc.end.to.end").tags(tags).description(
                            "Time from an event's upload_time to its prediction, by the version that answered"))
                            .register(registry),
                    latency(Timer.builder("geoloc.processing").tags(tags).description(
                            "Time from the processor taking an event to its prediction, by the version that answered"))
                            .register(registry),
                    latency(Timer.builder("geoloc.inference").tags(tags)
                            .description("Time a batch spends in the model, by the version it ran on"))
                            .register(registry));
        });
    }

    /**
     * A latency timer with the buckets every latency here shares, 5 ms to 300 s: fixed, so that dashboards and alerts
     * can rely on them, and few, so that each version's series stay cheap to scrape.
     */
    public static Timer.Builder latency(Timer.Builder timer) {
        return timer.serviceLevelObjectives(LATENCY_BUCKETS).minimumExpectedValue(LATENCY_BUCKETS[0])
                .maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1]);
    }


    /**
     * A synchronous geotag request was answered: its HTTP status and its code (a dead-letter code, BUSY, UNAVAILABLE,
     * ...; OK for a prediction), timed from its body being read to its answer.
     */
    public void apiRequest(int status, String code, Duration took) {
        latency(Timer.builder("geoloc.api.requests").tags("status", String.valueOf(status), "code", code)
                .description("Synchronous geotag requests (POST /v1/geotag), by HTTP status and code"))
                .register(registry).record(took);
    }

    public void shadowFailed() {
        shadowFailures.increment();
    }

    public void queued(long waitNanos) {
        queueWait.record(Duration.ofNanos(waitNanos));
    }

    /** A capture group was answered, by what made it: ALL_VIEWS, WINDOW_CLOSED or LATE_VIEW. */
    public void panoramaAnswered(String trigger) {
        Counter.builder("geoloc.panorama.answers").tag("trigger", trigger)
                .description("PanoramaPredictions produced, by what made the processor answer").register(registry)
                .increment();
    }

    /** A view was not fused: after-grace, over-max-views or unreadable. */
    public void panoramaViewDropped(String reason) {
        Counter.builder("geoloc.panorama.views.dropped").tag("reason", reason)
                .description("Panorama views left out of their group's answer (their own predictions went out)")
                .register(registry).increment();
    }

    /** A group due an answer could not have one: no-view-predicted, catalog-not-loaded or unwritable. */
    public void panoramaUnanswered(String reason) {
        Counter.builder("geoloc.panorama.unanswered").tag("reason", reason)
                .description("Capture groups due an answer that could not be given one").register(registry).increment();
    }
}
