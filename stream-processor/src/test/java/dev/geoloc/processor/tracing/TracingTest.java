package dev.geoloc.processor.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TopicProbe;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Tracing switched on in the running processor, as an operator switches it on: Quarkus's OpenTelemetry SDK
 * exports each image's span, a child of the trace context its event came with, to the exporter (here one in
 * memory, where a deployment has OTLP), and the prediction's headers continue the trace.
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
@QuarkusTestResource(StreamingStackResource.class)
class TracingTest {

    /** The SDK on, spans exported at once. */
    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "0.05s");
        }
    }

    /** Quarkus exports to every SpanExporter bean: in tests, this one. */
    @ApplicationScoped
    static class InMemoryExporterProducer {
        @Produces
        @Singleton
        InMemorySpanExporter exporter() {
            return InMemorySpanExporter.create();
        }
    }

    @Inject
    InMemorySpanExporter exported;

    @Test
    void anImagesSpanContinuesItsEventsTraceAndItsPredictionCarriesItOn() throws Exception {
        // Given an upload whose producer traced it
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", ("00-" + traceId + "-b7ad6b7169203331-01").getBytes(StandardCharsets.UTF_8));
        try (TopicProbe probe = new TopicProbe()) {
            byte[] photo = TestImages.jpeg(TestImages.bands(64, 64, TestImages.RED), false);

            // When the processor answers it
            probe.sendBytes("traced-upload", probe.serialize(TopicProbe.event("traced-upload", photo, null)), headers);
            TopicProbe.Output<?> prediction = probe.awaitPrediction("traced-upload");

            // Then its span is exported under the producer's span, with its steps beneath it
            SpanData image = awaitSpan(span -> span.getTraceId().equals(traceId) && span.getName().startsWith("process "));
            assertThat(image.getParentSpanId()).isEqualTo("b7ad6b7169203331");
            List<String> steps = awaitChildren(image, 4).stream().map(SpanData::getName).sorted().toList();
            assertThat(steps).containsExactly("decode", "inference", "produce", "queue wait");
            // and the prediction carries the trace on from the image's span
            assertThat(prediction.header("traceparent")).isEqualTo("00-" + traceId + "-" + image.getSpanId() + "-01");
        }
    }

    private SpanData awaitSpan(java.util.function.Predicate<SpanData> match) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            for (SpanData span : exported.getFinishedSpanItems()) {
                if (match.test(span)) {
                    return span;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such span among " + exported.getFinishedSpanItems());
    }

    private List<SpanData> awaitChildren(SpanData parent, int count) throws InterruptedException {
        List<SpanData> children = List.of();
        for (int i = 0; i < 500 && children.size() < count; i++) {
            children = exported.getFinishedSpanItems().stream()
                    .filter(span -> span.getParentSpanId().equals(parent.getSpanId())).toList();
            Thread.sleep(20);
        }
        return children;
    }
}
