package dev.geoloc.processor.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.geoloc.processor.batching.DynamicBatcher;
import dev.geoloc.processor.intake.DecodePool;
import dev.geoloc.processor.versions.ModelSource;

/**
 * Live while Kafka Streams has not failed for good, the inference thread runs and its model is not failing on
 * every image, and the version follower runs: a restart is the cure for each. Rebalancing and start-up are live, not ready.
 * So are decodes that outlasted their deadline and still hold a core each, up to {@link DecodePool#MAX_RUNAWAYS}.
 * A stalled partition shows here too, but leaves the instance live: a restart would stall on the same record.
 */
@Liveness
@ApplicationScoped
public class StreamsLiveness implements HealthCheck {

    private final KafkaStreams streams;
    private final DynamicBatcher batcher;

    private final ModelSource source;
    private final ProgressWatchdog watchdog;
    private final DecodePool decodes;

    StreamsLiveness(KafkaStreams streams, DynamicBatcher batcher, ModelSource source, ProgressWatchdog watchdog,
                    DecodePool decodes) {
        this.streams = streams;
        this.batcher = batcher;
        this.source = source;
        this.watchdog = watchdog;
        this.decodes = decodes;
    }

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State state = streams.state();
        boolean streamsAlive = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
        boolean followerAlive = source.following().map(f -> f.isAlive()).orElse(true);
        var degraded = batcher.degraded();
        int runaways = decodes.runaways();
        var response = HealthCheckResponse.named("geoloc-processor-live")
                .status(streamsAlive && batcher.isAlive() && degraded.isEmpty() && followerAlive
                        && runaways < DecodePool.MAX_RUNAWAYS)
                .withData("streams_state", state.name())
                .withData("decodes_past_deadline", runaways)
                .withData("inference_thread", batcher.isAlive() ? "running" : "stopped")
                .withData("version_follower", source.following().isEmpty() ? "off (fixed bundle)"
                        : followerAlive ? "running" : "stopped");
        degraded.ifPresent(reason -> response.withData("model_failing", reason));
        var stalls = watchdog.stalls();
        if (!stalls.isEmpty()) {
            response.withData("stalled_partitions", stalls.stream().map(ProgressWatchdog.Stall::describe).toList().toString());
        }
        return response.build();
    }
}
