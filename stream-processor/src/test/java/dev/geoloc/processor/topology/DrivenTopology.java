package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import dev.geoloc.contracts.Topics;
import dev.geoloc.processor.batching.BatchPolicy;
import dev.geoloc.processor.batching.DynamicBatcher;
import dev.geoloc.processor.batching.InFlightBudget;
import dev.geoloc.processor.intake.DecodePool;
import dev.geoloc.processor.intake.EventDecoder;
import dev.geoloc.processor.intake.ImageSource;
import dev.geoloc.processor.intake.IntakeLimits;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.processor.panorama.PanoramaSettings;
import dev.geoloc.processor.tracing.ImageTracing;
import dev.geoloc.processor.versions.CanaryJudge;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.RolloutObserver;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.processor.versions.ServingSet;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.ImageEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * {@link GeotagTopology} in a {@code TopologyTestDriver}, as the topology tests drive it: the real serde and
 * registry client over a registry in memory ({@code mock://}), the real model and batcher, no broker; the
 * driver's wall clock for punctuations and windows.
 */
final class DrivenTopology implements AutoCloseable {

    static final PanoramaSettings PANORAMAS = new PanoramaSettings(Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofHours(1), 16, 1024, Duration.ofSeconds(1));

    /** One untrained tiny-cnn model, served as {@code name} v1, with its batcher. */
    record Model(ModelHolder models, DynamicBatcher batcher) implements AutoCloseable {

        static Model untrained(Path dir, String name) throws Exception {
            ModelHolder models = UntrainedModel.served(dir, name);
            return new Model(models, new DynamicBatcher(new BatchPolicy(8, Duration.ofMillis(5), 64), models::serving,
                    new PipelineMetrics(new SimpleMeterRegistry())));
        }

        @Override
        public void close() {
            batcher.close();
            models.current().ifPresent(model -> model.predictor().close());
        }
    }

    final SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> events;
    final TestOutputTopic<byte[], SpecificRecord> predictions;
    final TestOutputTopic<byte[], SpecificRecord> deadLetters;
    final TestOutputTopic<byte[], SpecificRecord> panoramas;
    /** The spans the processor finished, as a real SDK with W3C propagation exports them. */
    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk telemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final ImageSource images;
    private final DecodePool decodes;

    DrivenTopology(String registry, Model model, PanoramaSettings panoramaSettings, MeterRegistry meters) {
        serde.configure(Map.of(RegistryClientConfig.URL, registry), false);
        IntakeLimits limits = new IntakeLimits(4096, 1024, 65536, panoramaSettings.maxViews());
        images = new ImageSource(uri -> {
            throw new IllegalStateException("no URIs in this test");
        }, 1, 1, Duration.ofSeconds(1));
        decodes = new DecodePool(2, Duration.ofSeconds(5));
        SpecificAvroSerde<ImageEvent> eventSerde = new SpecificAvroSerde<>();
        eventSerde.configure(Map.of(RegistryClientConfig.URL, registry), false);
        PipelineParts parts = new PipelineParts(limits, new EventDecoder(eventSerde.deserializer(), limits), images,
                decodes, model.models(), model.batcher(), new InFlightBudget(64L << 20), new DeadLetters(1 << 20),
                new PipelineMetrics(meters), new RolloutObserver(new SimpleMeterRegistry(), model.models(),
                new CanaryJudge.Limits(100, 0.5, 200, 0.05)), new ImageTracing(telemetry), Duration.ofMillis(2));
        Properties settings = new Properties();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(GeotagTopology.build(TopologyTopics.defaults(), parts, panoramaSettings, serde),
                settings, Instant.parse("2026-12-05T10:00:00Z"));
        events = driver.createInputTopic(Topics.IMAGE_EVENTS, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        predictions = output(Topics.REGION_PREDICTIONS);
        deadLetters = output(Topics.DEAD_LETTERS);
        panoramas = output(Topics.PANORAMA_PREDICTIONS);
    }

    TestOutputTopic<byte[], SpecificRecord> output(String topic) {
        return driver.createOutputTopic(topic, Serdes.ByteArray().deserializer(), serde.deserializer());
    }

    byte[] serialize(ImageEvent event) {
        return serde.serializer().serialize(Topics.IMAGE_EVENTS, event);
    }

    /** Lets wall-clock time pass in small steps, so the geotagger's punctuator hands on what the batcher finished. */
    List<TestRecord<byte[], SpecificRecord>> awaitAll(TestOutputTopic<byte[], SpecificRecord> topic, int count) {
        List<TestRecord<byte[], SpecificRecord>> read = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (read.size() < count && System.nanoTime() < deadline) {
            driver.advanceWallClockTime(Duration.ofMillis(5));
            read.addAll(topic.readRecordsToList());
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
        assertThat(read).as("records on " + topic).hasSize(count);
        return read;
    }

    @Override
    public void close() {
        driver.close();
        images.close();
        decodes.close();
        telemetry.close();
    }
}
