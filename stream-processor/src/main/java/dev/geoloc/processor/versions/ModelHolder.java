package dev.geoloc.processor.versions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import dev.geoloc.model.InferenceDevice;
import dev.geoloc.model.RegionPredictor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * The models new batches run on ({@link ServingSet}). Whoever loads a model swaps the set in atomically; a batch
 * takes the current set once and finishes on it, and the models swapped out are closed by whoever swapped them,
 * which waits for their running batches.
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

    private final AtomicReference<ServingSet> current = new AtomicReference<>();
    private final AtomicReference<Rejection> lastRejection = new AtomicReference<>();
    private final AtomicReference<Rejection> lastNumericsRejection = new AtomicReference<>();
    private final Counter swaps;
    private final MultiGauge info;
    private final MeterRegistry registry;

    public ModelHolder(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("geoloc.model.version", current, ref -> ref.get() == null ? -1 : ref.get().stable().version())
                .description("Version of the stable model").register(registry);
        Gauge.builder("geoloc.model.canary.version", current, ref -> ref.get() == null ? -1 : ref.get().canary()
                        .map(c -> c.model().version()).orElse(-1))
                .description("Version of the canary model; -1 when there is none").register(registry);
        Gauge.builder("geoloc.model.canary.percent", current, ref -> ref.get() == null ? 0 : ref.get().canary()
                        .map(c -> c.share().percent()).orElse(0))
                .description("Share of images routed to the canary, in percent").register(registry);
        Gauge.builder("geoloc.model.shadow.version", current, ref -> ref.get() == null ? -1 : ref.get().shadow()
                        .map(ServedModel::version).orElse(-1))
                .description("Version of the shadow model; -1 when there is none").register(registry);
        swaps = Counter.builder("geoloc.model.swaps").description("Models swapped in while serving").register(registry);
        info = MultiGauge.builder("geoloc.model.info").description("1 for each model serving here: its name, version, "
                + "artifact sha256 as published (empty for a bundle served from a path), bundle digest (the sha256 of "
                + "bundle.json, which pins every file), device and role").register(registry);
        Gauge.builder("geoloc.model.numerics.difference", current, ref -> ref.get() == null ? Double.NaN
                        : ref.get().stable().predictor().numerics().difference())
                .tag("model", "serving")
                .description("Largest difference between the model's outputs here and its bundle's reference outputs "
                        + "(NaN when none is served, or its bundle has no reference)").register(registry);
        Gauge.builder("geoloc.model.numerics.difference", lastNumericsRejection, ref -> ref.get() == null ? Double.NaN
                        : ref.get().difference())
                .tag("model", "last_rejected")
                .description("The same difference for the last version refused as NUMERICS_MISMATCH").register(registry);
    }

    /** The stable model; empty before the first model is loaded and after shutdown. */
    public Optional<ServedModel> current() {
        return serving().map(ServingSet::stable);
    }

    /** The models new batches run on; empty before the first model is loaded and after shutdown. */
    public Optional<ServingSet> serving() {
        return Optional.ofNullable(current.get());
    }

    /**
     * A model of the serving set whose catalog has this hash (the stable one first), for arithmetic over that
     * catalog's regions, such as turning a panorama's fused probabilities into a prediction.
     */
    public Optional<RegionPredictor> predictorOver(String catalogHash) {
        return serving().stream().flatMap(set -> set.models().stream()).map(ServedModel::predictor)
                .filter(predictor -> predictor.catalog().hash().equals(catalogHash)).findFirst();
    }

    /**
     * Makes {@code next} the serving set and returns the models of the previous set that {@code next} no longer
     * holds, which the caller must close.
     */
    public List<ServedModel> swap(ServingSet next) {
        ServingSet previous = current.getAndSet(next);
        describe(next);
        if (previous == null) {
            return List.of();
        }
        if (previous.stable() != next.stable()) {
            swaps.increment();
        }
        List<ServedModel> retired = new ArrayList<>(previous.models());
        retired.removeIf(model -> next.models().contains(model));
        return retired;
    }

    /** {@code geoloc_model_info}: a row per serving model, none when nothing serves. */
    private void describe(ServingSet set) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        if (set != null) {
            rows.add(row(set.stable(), "stable"));
            set.canary().ifPresent(canary -> rows.add(row(canary.model(), "canary")));
            set.shadow().ifPresent(shadow -> rows.add(row(shadow, "shadow")));
        }
        info.register(rows, true);
    }

    private static MultiGauge.Row<?> row(ServedModel model, String role) {
        return MultiGauge.Row.of(Tags.of("model", model.name(), "version", String.valueOf(model.version()),
                "sha256", model.artifactSha256().orElse(""), "bundle_sha256", model.predictor().bundleDigest(),
                "device", InferenceDevice.name(model.predictor().device()), "role", role), 1);
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

    /** Takes the serving models out, for shutdown; the caller closes them. */
    List<ServedModel> clear() {
        ServingSet previous = current.getAndSet(null);
        describe(null);
        return previous == null ? List.of() : previous.models();
    }
}
