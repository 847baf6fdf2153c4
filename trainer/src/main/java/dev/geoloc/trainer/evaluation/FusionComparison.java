package dev.geoloc.trainer.evaluation;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleBiFunction;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.geoloc.trainer.compare.Interval;

/**
 * Each location answered once from its fused views, against its views answered one by one: the fused answers' own
 * figures with their intervals over locations, and what fusion changes, paired over the same resampled locations
 * (each drawn location brings its fused answer and all its views, {@link LocationBootstrap#pairedOverLocations}),
 * judged against the targets.
 *
 * @param locations       the fused answers and the single photos they were fused from
 * @param baseline        what the single photos are, in words
 * @param intervals       the fused figures' 95 % intervals; empty when the bootstrap is off
 * @param accuracyGain    fused − single accuracy, a fraction (0.06: six points)
 * @param meanErrorChange for each of {@link #MEASURES}, the mean error's relative change, fused / single − 1 (−0.3:
 *                        30 % lower)
 * @param photoMedianErrorChange the median error to the photo's relative change, likewise: shown beside the mean
 *                        to the photo, which a few far misses move and the median not
 */
public record FusionComparison(FusedLocations locations, String baseline, Optional<EvaluationIntervals> intervals,
                        Change accuracyGain, Map<ErrorMeasure, Change> meanErrorChange, Change photoMedianErrorChange) {

    /** The study's centre-to-centre error and the error to the photo, the two that experiment's paired table has. */
    static final List<ErrorMeasure> MEASURES = PairedComparisonTable.MEASURES;
    /** The targets for fusion. */
    static final double TARGET_ACCURACY_GAIN = 0.06;
    static final double TARGET_CENTER_ERROR_CHANGE = -0.30;

    public FusionComparison {
        meanErrorChange = Collections.unmodifiableMap(new EnumMap<>(meanErrorChange));
    }

    /** A change fusion brings, with its paired interval when the bootstrap is on. */
    public record Change(double estimate, Optional<Interval> interval) {

        /** {@code +8.9 [+4.3, +13.8]}: each number times {@code scale}, signed. */
        String format(double scale, int decimals) {
            String number = "%+." + decimals + "f";
            return String.format(Locale.ROOT, number, scale * estimate) + interval.map(i -> String.format(Locale.ROOT,
                    " [" + number + ", " + number + "]", scale * i.low(), scale * i.high())).orElse("");
        }
    }

    /**
     * One of the targets: a change at least {@code bound} (a gain) or at most it (a reduction).
     *
     * @param key the target's name in JSON
     */
    public record Target(String key, String description, double bound, boolean atLeast, Change change) {

        boolean met() {
            return reaches(change.estimate());
        }

        /** Whether the whole interval reaches the target: the data then say it is met; empty without an interval. */
        Optional<Boolean> metByWholeInterval() {
            return change.interval().map(i -> reaches(i.low()) && reaches(i.high()));
        }

        String verdict() {
            if (!met()) {
                return "missed";
            }
            return metByWholeInterval().map(whole -> whole ? "met, by its whole 95 % interval"
                    : "met by the estimate, not by its whole 95 % interval").orElse("met");
        }

        private boolean reaches(double value) {
            return atLeast ? value >= bound : value <= bound;
        }
    }

    /**
     * @param baseline  what the single photos are, in words
     * @param bootstrap the intervals' draws; empty for none
     */
    static FusionComparison of(FusedLocations locations, String baseline, Optional<LocationBootstrap> bootstrap) {
        List<ToDoubleBiFunction<Evaluation, Evaluation>> comparisons = new ArrayList<>();
        comparisons.add((fused, single) -> fused.accuracy() - single.accuracy());
        MEASURES.forEach(measure -> comparisons.add((fused, single) ->
                relativeChange(fused.distance(measure).meanKm(), single.distance(measure).meanKm())));
        comparisons.add((fused, single) -> relativeChange(fused.distance(ErrorMeasure.PHOTO).medianKm(),
                single.distance(ErrorMeasure.PHOTO).medianKm()));
        List<Change> changes = new ArrayList<>();
        if (bootstrap.isPresent()) {
            bootstrap.get().pairedOverLocations(locations.fused(), locations.single(), comparisons)
                    .forEach(estimate -> changes.add(new Change(estimate.estimate(), Optional.of(estimate.interval()))));
        } else {
            comparisons.forEach(comparison -> changes.add(new Change(
                    comparison.applyAsDouble(locations.fused(), locations.single()), Optional.empty())));
        }
        Map<ErrorMeasure, Change> errorChanges = new EnumMap<>(ErrorMeasure.class);
        for (int m = 0; m < MEASURES.size(); m++) {
            errorChanges.put(MEASURES.get(m), changes.get(1 + m));
        }
        return new FusionComparison(locations, baseline,
                bootstrap.map(b -> EvaluationIntervals.of(locations.fused(), b)), changes.get(0), errorChanges,
                changes.get(1 + MEASURES.size()));
    }

    /**
     * fused / single − 1. Of two zero errors, 0: a region on top of every view stays on top of their mean
     * log-probability, so where every view is right so is the fused answer, and nothing changed.
     */
    private static double relativeChange(double fused, double single) {
        return single == 0 ? 0 : fused / single - 1;
    }

    List<Target> targets() {
        return List.of(
                new Target("accuracy_gain", String.format(Locale.ROOT, "accuracy at least +%.0f points",
                        100 * TARGET_ACCURACY_GAIN), TARGET_ACCURACY_GAIN, true, accuracyGain),
                new Target("region_centers_mean_error_change", String.format(Locale.ROOT,
                        "centre-to-centre mean error at least %.0f %% lower", -100 * TARGET_CENTER_ERROR_CHANGE),
                        TARGET_CENTER_ERROR_CHANGE, false, meanErrorChange.get(ErrorMeasure.REGION_CENTERS)));
    }

    /** The block {@code evaluate --per-location} prints after the single photos' summary. */
    void print(PrintWriter console) {
        Evaluation fused = locations.fused();
        Evaluation single = locations.single();
        console.printf(Locale.ROOT, "%nPer location (%d locations, views fused: mean log-probability)%n",
                locations.locations());
        console.printf(Locale.ROOT, "Each location answered once from its views' probabilities fused by PanoramaFusion, "
                + "as the stream answers a panorama; %s%n", viewsText());
        intervals.ifPresent(i -> console.printf(Locale.ROOT, "[95 %% intervals: bootstrap of the %d locations, "
                + "%d resamples, seed %d]%n", i.locations(), i.bootstrap().resamples(), i.bootstrap().seed()));
        FigureLines.print(console, fused, intervals);
        console.printf(Locale.ROOT, "Fused against %s%s:%n", baseline, intervals.map(i -> String.format(Locale.ROOT,
                " [95 %% paired bootstrap over the same locations, %d resamples]", i.bootstrap().resamples())).orElse(""));
        console.printf(Locale.ROOT, "  %-36s %6.2f %% -> %6.2f %%, %s points%n", "accuracy", 100 * single.accuracy(),
                100 * fused.accuracy(), accuracyGain.format(100, 1));
        for (ErrorMeasure measure : MEASURES) {
            console.printf(Locale.ROOT, "  %-36s %6.2f km -> %5.2f km, %s %%%n", "mean error, " + measure.label(),
                    single.distance(measure).meanKm(), fused.distance(measure).meanKm(),
                    meanErrorChange.get(measure).format(100, 0));
        }
        console.printf(Locale.ROOT, "  %-36s %6.2f km -> %5.2f km, %s %%%n",
                "median error, " + ErrorMeasure.PHOTO.label(), single.distance(ErrorMeasure.PHOTO).medianKm(),
                fused.distance(ErrorMeasure.PHOTO).medianKm(), photoMedianErrorChange.format(100, 0));
        console.printf(Locale.ROOT, "Targets: %s%n", String.join("; ",
                targets().stream().map(t -> t.description() + ": " + t.verdict()).toList()));
    }

    /** The section of {@code evaluation.md}. */
    String markdown() {
        Evaluation fused = locations.fused();
        Evaluation single = locations.single();
        StringBuilder md = new StringBuilder("## Per location: views fused\n\n");
        md.append(String.format(Locale.ROOT, "%d locations (%s), each answered once from its views' probabilities "
                + "fused by `PanoramaFusion` (the softmax of their mean log-probability), as the stream answers a "
                + "panorama.\n\n", locations.locations(), viewsText()));
        md.append(String.format(Locale.ROOT, "Accuracy: %s %%.\n\n", intervals.map(i -> i.accuracy().format(100, 2))
                .orElse(String.format(Locale.ROOT, "%.2f", 100 * fused.accuracy()))));
        md.append(EvaluationReport.errorTable(fused, intervals));
        md.append(intervals.map(i -> String.format(Locale.ROOT, "\nIntervals: 95 %%, by a bootstrap of the %d "
                + "locations (%d resamples, seed %d).\n", i.locations(), i.bootstrap().resamples(), i.bootstrap().seed()))
                .orElse("\nNo intervals: the bootstrap was turned off.\n"));
        md.append("\n### Calibration of the fused answers\n\n").append(EvaluationReport.calibrationMarkdown(fused,
                intervals, false));
        md.append("\n### Fused against ").append(baseline).append("\n\n");
        md.append("| Figure | Single photos | Fused | Change | Target | Met |\n|---|---:|---:|---:|---|---|\n");
        List<Target> targets = targets();
        md.append(String.format(Locale.ROOT, "| Accuracy (%%) | %.2f | %.2f | %s points | %s | %s |\n",
                100 * single.accuracy(), 100 * fused.accuracy(), accuracyGain.format(100, 1),
                targets.get(0).description(), targets.get(0).verdict()));
        for (ErrorMeasure measure : MEASURES) {
            boolean targeted = measure == ErrorMeasure.REGION_CENTERS;
            md.append(String.format(Locale.ROOT, "| Mean error, %s (km) | %.2f | %.2f | %s %% | %s | %s |\n",
                    measure.label(), single.distance(measure).meanKm(), fused.distance(measure).meanKm(),
                    meanErrorChange.get(measure).format(100, 0), targeted ? targets.get(1).description() : "–",
                    targeted ? targets.get(1).verdict() : "–"));
        }
        md.append(String.format(Locale.ROOT, "| Median error, %s (km) | %.2f | %.2f | %s %% | – | – |\n",
                ErrorMeasure.PHOTO.label(), single.distance(ErrorMeasure.PHOTO).medianKm(),
                fused.distance(ErrorMeasure.PHOTO).medianKm(), photoMedianErrorChange.format(100, 0)));
        md.append(intervals.map(i -> String.format(Locale.ROOT, "\nChanges fused − single (accuracy, in points) and "
                + "fused / single − 1 (mean and median error), [95 %% interval] by a paired bootstrap (%d resamples, "
                + "seed %d) that draws locations, each drawn location bringing its fused answer and all its views.\n",
                i.bootstrap().resamples(), i.bootstrap().seed())).orElse("\nNo intervals: the bootstrap was turned off.\n"));
        return md.toString();
    }

    /** Fills the report's {@code per_location} object: the report's own figures of the fused answers, then the comparison. */
    void json(ObjectNode node) {
        FusedLocations.ViewCounts views = locations.views();
        node.put("fusion", "softmax of the views' mean log-probability (PanoramaFusion)")
                .put("locations", locations.locations()).put("single_images", locations.single().samples());
        node.putObject("views").put("min", views.min()).put("median", views.median()).put("max", views.max());
        EvaluationReport.figuresJson(node, locations.fused(), intervals);
        ObjectNode versus = node.putObject("versus_single");
        versus.put("baseline", baseline);
        intervals.ifPresent(i -> versus.put("method", "paired percentile bootstrap: each resample draws the locations "
                + "once, and each drawn location brings its fused answer and all its views")
                .put("level", LocationBootstrap.LEVEL).put("resamples", i.bootstrap().resamples())
                .put("seed", i.bootstrap().seed()));
        ObjectNode single = versus.putObject("single").put("accuracy", locations.single().accuracy());
        ObjectNode singleErrors = single.putObject("mean_error_km");
        MEASURES.forEach(measure -> singleErrors.put(measure.key(), locations.single().distance(measure).meanKm()));
        single.putObject("median_error_km").put(ErrorMeasure.PHOTO.key(),
                locations.single().distance(ErrorMeasure.PHOTO).medianKm());
        change(versus.putObject("accuracy_gain"), accuracyGain);
        ObjectNode errorChanges = versus.putObject("mean_error_change");
        MEASURES.forEach(measure -> change(errorChanges.putObject(measure.key()), meanErrorChange.get(measure)));
        change(versus.putObject("median_error_change").putObject(ErrorMeasure.PHOTO.key()), photoMedianErrorChange);
        ObjectNode targetsNode = versus.putObject("targets");
        for (Target target : targets()) {
            ObjectNode targetNode = targetsNode.putObject(target.key()).put(target.atLeast() ? "at_least" : "at_most",
                    target.bound()).put("met", target.met());
            target.metByWholeInterval().ifPresent(whole -> targetNode.put("met_by_whole_interval", whole));
        }
    }

    private static void change(ObjectNode node, Change change) {
        node.put("estimate", change.estimate());
        change.interval().ifPresent(i -> node.putArray("interval").add(i.low()).add(i.high()));
    }

    private String viewsText() {
        FusedLocations.ViewCounts views = locations.views();
        String median = views.median() == Math.rint(views.median()) ? Long.toString((long) views.median())
                : Double.toString(views.median());
        return String.format(Locale.ROOT, "views per location: min %d, median %s, max %d", views.min(), median,
                views.max());
    }
}
