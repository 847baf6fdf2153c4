package dev.geoloc.processor.versions;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The model new batches run on. Whoever loads a model swaps it in atomically; a batch takes the current model
 * once and finishes on it, and the model swapped out is closed by whoever swapped it, which waits for its
 * running batches.
 */
@ApplicationScoped
public class ModelHolder {

    /**
     * The last version refused, for health details.
     *
     * @param difference for {@link RejectionKind#NUMERICS_MISMATCH}, the largest difference from its reference; NaN
     *                   otherwise
     */
    public record Rejection(int version, RejectionKind kind, String reason, double difference) {
    }

    private final AtomicReference<ServedModel> current = new AtomicReference<>();
    private final AtomicReference<Rejection> lastRejection = new AtomicReference<>();
    private final AtomicReference<Rejection> lastNumericsRejection = new AtomicReference<>();
    private final Counter swaps;
    private final MeterRegistry registry;

    public ModelHolder(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("geoloc.model.version", current, ref -> ref.get() == null ? -1 : ref.get().version())
                .description("Version of the model serving predictions").register(registry);
        swaps = Counter.builder("geoloc.model.swaps").description("Models swapped in while serving").register(registry);
        Gauge.builder("geoloc.model.numerics.difference", current, ref -> ref.get() == null ? Double.NaN
                        : ref.get().predictor().numerics().difference())
                .tag("model", "serving")
                .description("Largest difference between the model's outputs here and its bundle's reference outputs "
                        + "(NaN when none is served, or its bundle has no reference)").register(registry);
        Gauge.builder("geoloc.model.numerics.difference", lastNumericsRejection, ref -> ref.get() == null ? Double.NaN
                        : ref.get().difference())
                .tag("model", "last_rejected")
                .description("The same difference for the last version refused as NUMERICS_MISMATCH").register(registry);
    }

    /** The model new batches run on; empty before the first model is loaded and after shutdown. */
    public Optional<ServedModel> current() {
        return Optional.ofNullable(current.get());
    }

    /** Makes {@code next} the current model and returns the one it replaces, which the caller must close. */
    public Optional<ServedModel> swap(ServedModel next) {
        ServedModel previous = current.getAndSet(next);
        if (previous != null) {
            swaps.increment();
        }
        return Optional.ofNullable(previous);
    }

    /** Records a refused version: a health detail and a metric by kind of failure. */
    public void rejected(int version, VersionRejectedException refusal) {
        RejectionKind kind = refusal.kind();
        Rejection rejection = new Rejection(version, kind, refusal.getMessage(), refusal.difference());
        lastRejection.set(rejection);
        if (kind == RejectionKind.NUMERICS_MISMATCH) {
            lastNumericsRejection.set(rejection);
        }
        Counter.builder("geoloc.model.rejections").tag("kind", kind.name())
                .description("Published versions this instance refused, by why").register(registry).increment();
    }

    public Optional<Rejection> lastRejection() {
        return Optional.ofNullable(lastRejection.get());
    }

    /** Takes the current model out, for shutdown; the caller closes it. */
    Optional<ServedModel> clear() {
        return Optional.ofNullable(current.getAndSet(null));
    }
}
