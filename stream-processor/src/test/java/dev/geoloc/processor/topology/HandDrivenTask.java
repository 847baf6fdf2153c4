package dev.geoloc.processor.topology;

import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;

import dev.geoloc.processor.batching.DynamicBatcher;
import dev.geoloc.processor.batching.InFlightBudget;
import dev.geoloc.processor.intake.DecodePool;
import dev.geoloc.processor.intake.EventDecoder;
import dev.geoloc.processor.intake.ImageSource;
import dev.geoloc.processor.intake.IntakeLimits;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.processor.tracing.ImageTracing;
import dev.geoloc.processor.versions.CanaryJudge;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.RolloutObserver;
import dev.geoloc.schemas.ImageEvent;

/**
 * What a test needs to drive {@link GeotagProcessor} tasks by hand, on a real model, batcher and decode pool: their
 * parts, every record decoding to one event, and a mock context holding an in-memory pending store.
 */
final class HandDrivenTask {

    private HandDrivenTask() {
    }

    static PipelineParts parts(ImageEvent event, DecodePool decodes, ModelHolder models, DynamicBatcher batcher,
                               InFlightBudget budget) {
        IntakeLimits limits = new IntakeLimits(4096, 1024, 65536, 16);
        return new PipelineParts(limits, new EventDecoder((topic, bytes) -> event, limits), new ImageSource(uri -> {
            throw new IllegalStateException("no URIs here");
        }, 1, 1, Duration.ofSeconds(1)), decodes, models, batcher, budget, new DeadLetters(1 << 20),
                new PipelineMetrics(new SimpleMeterRegistry()),
                new RolloutObserver(new SimpleMeterRegistry(), models, new CanaryJudge.Limits(100, 0.5, 200, 0.05)),
                new ImageTracing(OpenTelemetry.noop()), Duration.ofMillis(2));
    }

    /** A task's context; its pending store is {@link #pending}. */
    static MockProcessorContext<byte[], Object> context(String applicationId, String bootstrapServers) {
        Properties settings = new Properties();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        MockProcessorContext<byte[], Object> context = new MockProcessorContext<>(settings);
        KeyValueStore<Long, PendingRecord> pending = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(GeotagTopology.PENDING_STORE), Serdes.Long(), PendingRecord.serde())
                .withLoggingDisabled().build();
        pending.init(context.getStateStoreContext(), pending);
        context.addStateStore(pending);
        return context;
    }

    static KeyValueStore<Long, PendingRecord> pending(MockProcessorContext<byte[], Object> context) {
        return context.getStateStore(GeotagTopology.PENDING_STORE);
    }
}
