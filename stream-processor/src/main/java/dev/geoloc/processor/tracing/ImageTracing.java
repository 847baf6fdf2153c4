package dev.geoloc.processor.tracing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.StreamSupport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * Each image's trace through the processor (OpenTelemetry, through Quarkus's extension; off unless
 * {@code QUARKUS_OTEL_SDK_DISABLED=false}). An image's span continues the trace context its event came with (the
 * W3C {@code traceparent} header), from when its record was taken to when its answer was handed on, with a child
 * for each step: decode, queue wait, inference, produce. Queue wait and inference happen on the shared inference
 * thread for a whole batch, so they are recorded afterwards from the batch's own timings. The answer's headers
 * then carry the image span's context, so that a consumer's span continues the same trace.
 */
@ApplicationScoped
public class ImageTracing {

    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.kafka.destination.partition");
    private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.message.offset");

    private static final TextMapGetter<Headers> FROM_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return StreamSupport.stream(headers.spliterator(), false).map(Header::key).toList();
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    /** Replaces a header rather than adding a second: a consumer reads one trace context. */
    private static final TextMapSetter<Headers> INTO_HEADERS = (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    @Inject
    public ImageTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("geoloc-stream-processor");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** The span of an image taken at {@code taken} from topic/partition@offset, a child of its headers' context. */
    public Span start(Headers headers, String topic, int partition, long offset, Instant taken) {
        return tracer.spanBuilder("process " + topic)
                .setParent(propagator.extract(Context.root(), headers, FROM_HEADERS))
                .setSpanKind(SpanKind.CONSUMER)
                .setAllAttributes(Attributes.of(DESTINATION, topic, PARTITION, (long) partition, OFFSET, offset))
                .setStartTimestamp(taken)
                .startSpan();
    }

    /** A step of the image that took {@code duration} from {@code start}. */
    public void step(Span image, String name, Instant start, Duration duration, Attributes attributes) {
        tracer.spanBuilder(name).setParent(Context.root().with(image)).setAllAttributes(attributes)
                .setStartTimestamp(start).startSpan().end(start.plus(duration));
    }

    /** Makes {@code headers} (a copy of the input's) carry the image span's context on. */
    public void handOn(Span image, Headers headers) {
        propagator.inject(Context.root().with(image), headers, INTO_HEADERS);
    }
}
