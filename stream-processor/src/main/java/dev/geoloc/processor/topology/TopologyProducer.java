package dev.geoloc.processor.topology;


import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

import dev.geoloc.processor.batching.BatchPolicy;
import dev.geoloc.processor.batching.DynamicBatcher;
import dev.geoloc.processor.batching.InFlightBudget;
import dev.geoloc.processor.config.ProcessorConfig;
import dev.geoloc.processor.intake.DecodePool;
import dev.geoloc.processor.intake.EventDecoder;
import dev.geoloc.processor.intake.ImageSource;
import dev.geoloc.processor.intake.IntakeLimits;
import dev.geoloc.processor.intake.UriImages;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.processor.tracing.ImageTracing;
import dev.geoloc.processor.panorama.PanoramaSettings;
import dev.geoloc.processor.serde.AvroSerdes;
import dev.geoloc.processor.versions.CanaryJudge;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.RolloutObserver;
import dev.geoloc.schemas.ImageEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Wires the topology and the shared inference batcher from the configuration. */
@ApplicationScoped
public class TopologyProducer {

    private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

    @Produces
    @ApplicationScoped
    DynamicBatcher batcher(ProcessorConfig config, ModelHolder models, PipelineMetrics metrics, MeterRegistry registry) {
        ProcessorConfig.Batching batching = config.batching();
        DynamicBatcher batcher = new DynamicBatcher(new BatchPolicy(batching.maxSize(), batching.maxDelay(),
                batching.queueCapacity()), models::serving, metrics);
        Gauge.builder("geoloc.queue.depth", batcher, DynamicBatcher::queued)
                .description("Images waiting for an inference batch (geoloc.batching.queue-capacity)").register(registry);
        Gauge.builder("geoloc.model.failing", batcher, b -> b.degraded().isPresent() ? 1 : 0)
                .description("1 while the model fails on every image and the batcher retries with backoff").register(registry);
        return batcher;
    }

    void closeBatcher(@Disposes DynamicBatcher batcher) {
        batcher.close();
    }

    @Produces
    @Singleton
    RolloutObserver rolloutObserver(ProcessorConfig config, ModelHolder models, MeterRegistry registry) {
        ProcessorConfig.Rollout rollout = config.rollout();
        return new RolloutObserver(registry, models, new CanaryJudge.Limits(rollout.minLabelled(),
                rollout.maxErrorIncreaseKm(), rollout.minEvents(), rollout.maxDeadLetterIncrease()));
    }

    @Produces
    @ApplicationScoped
    InFlightBudget inFlightBudget(ProcessorConfig config, MeterRegistry registry) {
        InFlightBudget budget = new InFlightBudget(config.batching().maxInFlightBytes());
        Gauge.builder("geoloc.in.flight.bytes", budget, InFlightBudget::used).baseUnit("bytes")
                .description("Bytes held by images taken and not yet answered (geoloc.batching.max-in-flight-bytes)")
                .register(registry);
        return budget;
    }

    @Produces
    @ApplicationScoped
    ImageSource imageSource(ProcessorConfig config) {
        ProcessorConfig.UriFetching uri = config.uri();
        return new ImageSource(UriImages.fetcher(uri), uri.maxConcurrentFetches(), uri.maxFetchesPerHost(),
                uri.totalTimeout());
    }

    void closeImageSource(@Disposes ImageSource images) {
        images.close();
    }

    @Produces
    @ApplicationScoped
    DecodePool decodePool(ProcessorConfig config, MeterRegistry registry) {
        ProcessorConfig.Images images = config.images();
        DecodePool decodes = new DecodePool(images.decodeThreads().orElse(Runtime.getRuntime().availableProcessors()),
                images.decodeTimeout());
        Gauge.builder("geoloc.decode.queue.depth", decodes, DecodePool::queued)
                .description("Images waiting for a decode thread (geoloc.images.decode-threads)").register(registry);
        Gauge.builder("geoloc.decode.runaways", decodes, DecodePool::runaways)
                .description("Decodes past geoloc.images.decode-timeout that still run; liveness is DOWN at "
                        + DecodePool.MAX_RUNAWAYS).register(registry);
        return decodes;
    }

    void closeDecodes(@Disposes DecodePool decodes) {
        decodes.close();
    }

    /** The stream's and the API's. */
    @Produces
    @Singleton
    IntakeLimits intakeLimits(ProcessorConfig config) {
        ProcessorConfig.Intake intake = config.intake();
        return new IntakeLimits(intake.maxKeyBytes(), intake.maxImageIdBytes(), intake.maxMetadataBytes(),
                config.panorama().maxViews());
    }

    @Produces
    Topology topology(ProcessorConfig config, AvroSerdes serdes, ModelHolder models, DynamicBatcher batcher,
                      ImageSource images, DecodePool decodes, InFlightBudget budget, IntakeLimits limits,
                      PipelineMetrics metrics, RolloutObserver rollout, ImageTracing tracing) {
        Serde<ImageEvent> events = serdes.valueSerde();
        Serde<SpecificRecord> outputs = serdes.valueSerde();
        PipelineParts parts = new PipelineParts(limits, new EventDecoder(events.deserializer(), limits),
                images, decodes, models, batcher, budget,
                new DeadLetters(config.deadLetters().maxPayloadBytes()), metrics, rollout, tracing,
                config.batching().resultPollInterval());
        return GeotagTopology.build(TopologyTopics.of(config.topics()), parts, PanoramaSettings.of(config),
                outputs);
    }

    /**
     * A stream thread that fails (the registry unreachable, a broker error) is replaced: its task restarts from
     * the last commit, so nothing is lost or doubled, and the other threads go on. Failures that repeat are
     * replaced after a growing wait ({@link ReplacementBackoff}), on the failed thread, before it ends.
     */
    @Produces
    StreamsUncaughtExceptionHandler replaceFailedThreads() {
        ReplacementBackoff backoff = new ReplacementBackoff();
        return e -> {
            long delay = backoff.onFailure(System.currentTimeMillis());
            LOG.errorf(e, "A stream thread failed; replacing it%s", delay == 0 ? "" : " in " + delay + " ms");
            try {
                Thread.sleep(delay);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }
}
