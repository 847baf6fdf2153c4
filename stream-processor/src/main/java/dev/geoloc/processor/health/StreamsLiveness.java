package dev.geoloc.processor.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.geoloc.processor.batching.DynamicBatcher;

/**
 * Live while Kafka Streams has not failed for good and the inference thread runs: a restart is the cure for
 * either. Rebalancing and start-up are live, not ready.
 */
@Liveness
@ApplicationScoped
public class StreamsLiveness implements HealthCheck {

    private final KafkaStreams streams;
    private final DynamicBatcher batcher;

    StreamsLiveness(KafkaStreams streams, DynamicBatcher batcher) {
        this.streams = streams;
        this.batcher = batcher;
    }

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State state = streams.state();
        boolean streamsAlive = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
        return HealthCheckResponse.named("geoloc-processor-live")
                .status(streamsAlive && batcher.isAlive())
                .withData("streams_state", state.name())
                .withData("inference_thread", batcher.isAlive() ? "running" : "stopped")
                .build();
    }
}
