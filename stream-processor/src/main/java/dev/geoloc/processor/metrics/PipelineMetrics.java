package dev.geoloc.processor.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.geoloc.schemas.DeadLetterCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The processor's Prometheus metrics (at {@code /q/metrics}), all prefixed {@code geoloc_}: what came in, what
 * went out, and where the time went between the two.
 */
@ApplicationScoped
public class PipelineMetrics {

    private final Counter eventsIn;
    private final Counter predictionsOut;
    private final Map<DeadLetterCode, Counter> deadLetters = new EnumMap<>(DeadLetterCode.class);
    private final DistributionSummary batchSize;
    private final Timer queueWait;
    private final Timer inference;
    private final Timer endToEnd;
    private final Counter shadowFailures;
    private final MeterRegistry registry;

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
        queueWait = Timer.builder("geoloc.queue.wait").description("Time from taking an event to its batch starting")
                .publishPercentileHistogram().register(registry);
        inference = Timer.builder("geoloc.inference").description("Time a batch spends in the model")
                .publishPercentileHistogram().register(registry);
        endToEnd = Timer.builder("geoloc.end.to.end").description("Time from an event's upload_time to its prediction")
                .publishPercentileHistogram().register(registry);
        shadowFailures = Counter.builder("geoloc.shadow.failures")
                .description("Images the shadow model could not answer (they were answered without it)").register(registry);
    }

    public void eventIn() {
        eventsIn.increment();
    }

    public void predictionOut(Duration endToEndLatency) {
        predictionsOut.increment();
        if (!endToEndLatency.isNegative()) {
            endToEnd.record(endToEndLatency);
        }
    }

    public void deadLetter(DeadLetterCode code) {
        deadLetters.get(code).increment();
    }

    /** One batch ran: its size, how long its images waited in total, and its time in the model. */
    public void batch(int size, long inferenceNanos) {
        batchSize.record(size);
        inference.record(Duration.ofNanos(inferenceNanos));
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
