package dev.geoloc.processor.health;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.geoloc.processor.artifacts.PublicReasons;
import dev.geoloc.processor.batching.DynamicBatcher;
import dev.geoloc.processor.batching.InFlightBudget;
import dev.geoloc.processor.config.ProcessorConfig;
import dev.geoloc.processor.intake.DecodePool;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.ModelSource;
import dev.geoloc.processor.versions.ServedModel;

/**
 * Ready when Kafka Streams serves (RUNNING, or a rebalance within its grace: {@link StreamsStateClock}), a model
 * is loaded and warmed up, and every input partition held here moves ({@link ProgressWatchdog}); the details say which model, the last published version this instance refused and
 * why, and which partitions stand still.
 */
@Readiness
@ApplicationScoped
public class ProcessorReadiness implements HealthCheck {

    private final KafkaStreams streams;
    private final ModelHolder models;
    private final DynamicBatcher batcher;
    private final DecodePool decodes;
    private final ModelSource source;
    private final ProgressWatchdog watchdog;
    private final InFlightBudget budget;
    private final StreamsStateClock stateClock;
    private final Duration rebalanceGrace;

    ProcessorReadiness(KafkaStreams streams, ModelHolder models, DynamicBatcher batcher, DecodePool decodes,
                       ModelSource source, ProgressWatchdog watchdog, InFlightBudget budget,
                       StreamsStateClock stateClock, ProcessorConfig config) {
        this.decodes = decodes;
        this.budget = budget;
        this.stateClock = stateClock;
        this.rebalanceGrace = config.watchdog().rebalanceGrace();
        this.streams = streams;
        this.models = models;
        this.batcher = batcher;
        this.source = source;
        this.watchdog = watchdog;
    }

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State state = streams.state();
        Optional<ServedModel> model = models.current();
        var stalls = watchdog.stalls();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("geoloc-processor-ready")
                .status(stateClock.serving(rebalanceGrace) && model.isPresent() && batcher.isAlive() && stalls.isEmpty())
                .withData("streams_state", state.name())
                .withData("streams_state_seconds", stateClock.age().toSeconds())
                .withData("images_awaiting_decode", decodes.queued())
                .withData("images_queued", batcher.queued())
                .withData("bytes_in_flight", budget.used());
        if (!stalls.isEmpty()) {
            response.withData("stalled_partitions", stalls.stream().map(ProgressWatchdog.Stall::describe).toList().toString());
        }
        model.ifPresentOrElse(served -> response
                        .withData("model_name", served.name())
                        .withData("model_version", served.version())
                        .withData("bundle_sha256", served.predictor().bundleDigest())
                        .withData("device", served.predictor().device().toString())
                        .withData("encoder_precision", served.predictor().manifest().encoderPrecision().label())
                        .withData("model_numerics", served.predictor().numerics().describe()),
                () -> response.withData("model", "none loaded"));
        source.following().ifPresent(follower -> {
            Map<String, Object> status = follower.status();
            Object pinned = status.get("pinned_version");
            response.withData("pinned_version", pinned == null ? "none" : pinned.toString())
                    .withData("rollout", String.valueOf(status.get("rollout")))
                    .withData("model_versions_topic", PublicReasons.redact(String.valueOf(status.get("versions_topic"))))
                    .withData("actions_refused", (Long) status.get("actions_refused"));
            if (status.get("last_refused_action") instanceof Map<?, ?> refused) {
                response.withData("last_refused_action", PublicReasons.redact(refused.toString()));
            }
        });
        models.lastRejection().ifPresent(rejection -> {
            response.withData("last_rejected_version", rejection.version())
                    .withData("last_rejection_code", rejection.kind().name())
                    .withData("last_rejection", PublicReasons.redact(rejection.reason()));
            if (!Double.isNaN(rejection.difference())) {
                response.withData("last_rejection_difference", String.format(java.util.Locale.ROOT, "%.3g", rejection.difference()));
            }
        });
        return response.build();
    }
}
