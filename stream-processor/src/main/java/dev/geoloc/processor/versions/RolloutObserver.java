package dev.geoloc.processor.versions;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.schemas.RegionPrediction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * What each serving version does on live traffic, tagged {@code model}, {@code version} and {@code role} (stable,
 * canary, shadow): answers, dead letters, latency, confidence, and on labelled events, error and accuracy; and how
 * often a shadow agrees with the version whose answer went out. It also feeds the judge of the canary serving now.
 */
public final class RolloutObserver {

    /** The judge of one canary: a new canary starts from nothing. */
    private record Judged(ServedModel canary, CanaryJudge judge) {
    }

    /** A version in one role: what its meters are tagged with. */
    private record Role(String model, int version, String role) {
        Tags tags() {
            return Tags.of("model", model, "version", String.valueOf(version), "role", role);
        }
    }

    private record RoleMeters(Counter predictions, Counter deadLetters, Timer latency, DistributionSummary confidence) {
    }

    /** A shadow beside the version whose answers went out. */
    private record ShadowPair(String model, int shadowVersion, int answerVersion) {
    }

    private record Comparisons(Counter agree, Counter disagree) {
    }

    /** Registered once the version answers a labelled event: an accuracy of 0 of 0 would mislead a dashboard. */
    private record LabelledMeters(DistributionSummary errorKm, Counter correct, Counter wrong) {
    }

    private final MeterRegistry registry;
    private final ModelHolder holder;
    private final CanaryJudge.Limits limits;
    private final AtomicReference<Judged> judged = new AtomicReference<>();
    /**
     * Each version's meters per role, registered at its first answer: looking each up in the registry at every
     * prediction cost the stream thread about six lookups an answer (seen in the JFR profile of the benchmark).
     */
    private final Map<Role, RoleMeters> answers = new ConcurrentHashMap<>();
    private final Map<Role, LabelledMeters> labelled = new ConcurrentHashMap<>();
    private final Map<ShadowPair, Comparisons> comparisons = new ConcurrentHashMap<>();

    public RolloutObserver(MeterRegistry registry, ModelHolder holder, CanaryJudge.Limits limits) {
        this.registry = registry;
        this.holder = holder;
        this.limits = limits;
    }

    /** An answer that went out, from the model its route chose. */
    public void answered(ServedModel model, RegionPrediction answer) {
        boolean byCanary = isCanary(model);
        record(model, byCanary ? "canary" : "stable", answer);
        judgeOf(model).ifPresent(judge -> judge.answered(byCanary, Optional.ofNullable(answer.getActualErrorKm())));
    }

    /** A dead letter for an image that {@code answering} would have answered. */
    public void deadLetter(ServedModel answering) {
        boolean byCanary = isCanary(answering);
        metersOf(answering, byCanary ? "canary" : "stable").deadLetters().increment();
        judgeOf(answering).ifPresent(judge -> judge.deadLetter(byCanary));
    }

    /** The shadow's answer to an image whose answer, {@code answer}, went out. */
    public void shadowed(ServedModel shadow, RegionPrediction shadowed, RegionPrediction answer) {
        record(shadow, "shadow", shadowed);
        boolean agrees = shadowed.getPredictedRegion().getRegionId().equals(answer.getPredictedRegion().getRegionId());
        Comparisons pair = comparisons.computeIfAbsent(new ShadowPair(shadow.name(), shadow.version(),
                answer.getModelVersion()), this::comparisonMeters);
        (agrees ? pair.agree() : pair.disagree()).increment();
    }

    /**
     * Why the canary serving now must be rolled back; empty when there is none, or it is not worse. A canary that
     * replaced another is judged from nothing.
     */
    public Optional<String> verdict() {
        return holder.serving().flatMap(ServingSet::canary).flatMap(c -> judgeOf(c.model())).flatMap(CanaryJudge::verdict);
    }

    private void record(ServedModel model, String role, RegionPrediction answer) {
        Role key = new Role(model.name(), model.version(), role);
        RoleMeters meters = answers.computeIfAbsent(key, this::answerMeters);
        meters.predictions().increment();
        meters.latency().record(Duration.ofNanos((long) ((answer.getQueueLatencyMs() + answer.getInferenceLatencyMs())
                * 1e6)));
        meters.confidence().record(answer.getPredictedRegion().getProbability());
        if (answer.getActualErrorKm() != null) {
            // Only versions that see labelled traffic get these series
            LabelledMeters truth = labelled.computeIfAbsent(key, this::labelledMeters);
            truth.errorKm().record(answer.getActualErrorKm());
            boolean correct = answer.getPredictedRegion().getRegionId().equals(answer.getTrueRegionId());
            (correct ? truth.correct() : truth.wrong()).increment();
        }
    }

    private RoleMeters answerMeters(Role role) {
        Tags tags = role.tags();
        return new RoleMeters(
                Counter.builder("geoloc.version.predictions").tags(tags).description("Predictions by version and role")
                        .register(registry),
                Counter.builder("geoloc.version.dead.letters").tags(tags)
                        .description("Dead letters of images routed to each version").register(registry),
                PipelineMetrics.latency(Timer.builder("geoloc.version.latency").tags(tags)
                        .description("Time from taking an event to its batch's end (queue and inference), by version"))
                        .register(registry),
                DistributionSummary.builder("geoloc.version.confidence").tags(tags)
                        .description("Probability of the predicted region, by version").register(registry));
    }

    private LabelledMeters labelledMeters(Role role) {
        Tags tags = role.tags();
        String accuracy = "Labelled predictions by version, by whether the region was right: live accuracy";
        return new LabelledMeters(
                DistributionSummary.builder("geoloc.version.error.km").tags(tags).baseUnit("km")
                        .description("Distance from the estimated location to the event's ground truth, by version")
                        .register(registry),
                Counter.builder("geoloc.version.labelled").tags(tags.and("outcome", "correct")).description(accuracy)
                        .register(registry),
                Counter.builder("geoloc.version.labelled").tags(tags.and("outcome", "wrong")).description(accuracy)
                        .register(registry));
    }

    private RoleMeters metersOf(ServedModel model, String role) {
        return answers.computeIfAbsent(new Role(model.name(), model.version(), role), this::answerMeters);
    }

    private Comparisons comparisonMeters(ShadowPair pair) {
        Tags tags = Tags.of("model", pair.model(), "shadow_version", String.valueOf(pair.shadowVersion()),
                "answer_version", String.valueOf(pair.answerVersion()));
        String description = "Images the shadow answered, by whether it predicted the region the answer did";
        return new Comparisons(
                Counter.builder("geoloc.shadow.comparisons").tags(tags.and("outcome", "agree")).description(description)
                        .register(registry),
                Counter.builder("geoloc.shadow.comparisons").tags(tags.and("outcome", "disagree"))
                        .description(description).register(registry));
    }

    private boolean isCanary(ServedModel model) {
        return holder.serving().flatMap(ServingSet::canary).map(c -> c.model() == model).orElse(false);
    }

    /** The judge of the canary serving beside {@code model}'s answers; empty when no canary serves. */
    private Optional<CanaryJudge> judgeOf(ServedModel model) {
        Optional<ServedModel> canary = holder.serving().flatMap(ServingSet::canary).map(ServingSet.ServedCanary::model);
        if (canary.isEmpty()) {
            return Optional.empty();
        }
        Judged current = judged.updateAndGet(j -> j != null && j.canary() == canary.get() ? j
                : new Judged(canary.get(), new CanaryJudge(limits)));
        return Optional.of(current.judge());
    }
}
