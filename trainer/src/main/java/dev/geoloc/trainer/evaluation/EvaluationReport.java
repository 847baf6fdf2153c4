package dev.geoloc.trainer.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One model's evaluation on one split of a dataset, and the files that report it: {@value #JSON} for
 * programs, {@value #MARKDOWN} for people (the study's table, every error measure with its 95 % interval,
 * calibration, per-region accuracy), {@value #CONFUSION_PNG}, {@value #CDF_PNG} and, when the model's
 * probabilities were kept, {@value #RELIABILITY_PNG}.
 *
 * @param bundleDigest the evaluated bundle's sha256, or null for a model that is not a bundle
 * @param dataset      where the images came from, as given
 * @param splitMethod  how the dataset was split (blocked, grouped, naive, with their settings), as its
 *                     {@code split.json} says; a split says what a test score means
 * @param skipped      images that could not be evaluated; they are in no figure
 * @param intervals    the figures' bootstrap intervals; empty when they were not asked for
 * @param perLocation  each location answered once from its fused views, against the single photos; empty when not
 *                     asked for
 */
public record EvaluationReport(ModelDescription model, String bundleDigest, String dataset, String split,
                               String splitMethod, List<SkippedImage> skipped, Evaluation evaluation, Optional<EvaluationIntervals> intervals,
                               Optional<FusionComparison> perLocation) {

    public static final String JSON = "evaluation.json";
    public static final String MARKDOWN = "evaluation.md";
    public static final String CONFUSION_PNG = "confusion.png";
    public static final String CDF_PNG = "error-cdf.png";
    public static final String RELIABILITY_PNG = "reliability.png";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** A Markdown report lists this many skipped images; the JSON lists them all. */
    private static final int SKIPPED_LISTED = 20;

    public EvaluationReport {
        skipped = List.copyOf(skipped);
    }

    /** Without the fused locations. */
    public EvaluationReport(ModelDescription model, String bundleDigest, String dataset, String split,
                            String splitMethod, List<SkippedImage> skipped, Evaluation evaluation,
                            Optional<EvaluationIntervals> intervals) {
        this(model, bundleDigest, dataset, split, splitMethod, skipped, evaluation, intervals, Optional.empty());
    }

    /** With intervals by the default bootstrap ({@link LocationBootstrap#DEFAULT}), without the fused locations. */
    public EvaluationReport(ModelDescription model, String bundleDigest, String dataset, String split,
                            String splitMethod, List<SkippedImage> skipped, Evaluation evaluation) {
        this(model, bundleDigest, dataset, split, splitMethod, skipped, evaluation,
                Optional.of(EvaluationIntervals.of(evaluation, LocationBootstrap.DEFAULT)));
    }

    /** The files this report writes: the reliability diagram only when there is a calibration to draw. */
    public List<String> files() {
        return evaluation.calibration().isPresent() ? List.of(JSON, MARKDOWN, CONFUSION_PNG, CDF_PNG, RELIABILITY_PNG)
                : List.of(JSON, MARKDOWN, CONFUSION_PNG, CDF_PNG);
    }

    /** Writes {@link #files()} into {@code directory}, creating it. */
    public void writeTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(JSON), toJson(), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(MARKDOWN), toMarkdown(), StandardCharsets.UTF_8);
        ConfusionPlot.write(evaluation.confusion(), "Confusion matrix: " + model.name() + ", " + split + " split",
                directory.resolve(CONFUSION_PNG));
        ErrorCdfPlot.write(Map.of(model.name(), evaluation), List.of(ErrorMeasure.values()),
                "Error CDF: " + model.name() + ", " + split + " split", directory.resolve(CDF_PNG));
        Optional<Calibration> calibration = evaluation.calibration();
        if (calibration.isPresent()) {
            ReliabilityDiagram.write(calibration.get(), "Reliability: " + model.name() + ", " + split + " split",
                    directory.resolve(RELIABILITY_PNG));
        }
    }

    /**
     * The study's table for this one model, with the intervals when the report has them, and the line that
     * says what its cells are.
     */
    public String resultsTable() {
        if (intervals.isEmpty()) {
            return ResultsTable.markdown(List.of(ResultsRow.of(model, evaluation)), ErrorMeasure.REGION_CENTERS, null);
        }
        return ResultsTable.HEADER + "\n" + ResultsTable.ALIGNMENT + "\n"
                + ResultsTable.row(model, ResultsTable.cells(intervals.get(), ErrorMeasure.REGION_CENTERS)) + "\n\n"
                + ResultsTable.caption(intervals.get().bootstrap()) + "\n";
    }

    /**
     * Accuracies are fractions in [0, 1] and distances kilometres; {@code within_km} maps a radius, named as
     * {@link Evaluation#radiusLabel} names it ({@code "0.25"}, {@code "1"}), to its Acc@k fraction; the confusion
     * matrix's rows are true regions and its columns predicted ones, both in {@code labels} order. A region without
     * images has a null accuracy. {@code bootstrap} (absent when not asked for) holds the 95 % intervals as
     * {@code [low, high]}, under the same names as the figures; {@code calibration} says {@code "available": false}
     * when the probabilities were not kept. A figure that is undefined (a rank correlation of constant values) is
     * null. {@code per_location} (absent when not asked for) holds the fused locations' figures under the same
     * names, their views per location, and {@code versus_single}: the single photos' accuracy, mean errors and
     * median error to the photo, the paired changes (accuracy gain a fraction, error changes relative: −0.3 is 30 %
     * lower) with their {@code interval}, and the targets.
     */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.putObject("model").put("name", model.name()).put("backbone", model.backbone()).put("loss", model.loss());
        if (bundleDigest != null) {
            root.put("bundle_digest", bundleDigest);
        }
        root.put("dataset", dataset).put("split", split).put("split_method", splitMethod);
        figuresJson(root, evaluation, intervals);
        ArrayNode regions = root.putArray("regions");
        for (RegionAccuracy region : evaluation.regions()) {
            ObjectNode node = regions.addObject().put("id", region.regionId()).put("name", region.regionName())
                    .put("samples", region.support()).put("correct", region.correct());
            if (region.support() == 0) {
                node.putNull("accuracy");
            } else {
                node.put("accuracy", region.accuracy());
            }
        }
        ObjectNode confusion = root.putObject("confusion");
        evaluation.confusion().ids().forEach(confusion.putArray("labels")::add);
        ArrayNode rows = confusion.putArray("counts");
        for (int[] row : evaluation.confusion().counts()) {
            ArrayNode counts = rows.addArray();
            for (int count : row) {
                counts.add(count);
            }
        }
        ArrayNode skippedNode = root.putArray("skipped");
        skipped.forEach(s -> skippedNode.addObject().put("image", s.image()).put("reason", s.reason()));
        perLocation.ifPresent(fused -> fused.json(root.putObject("per_location")));
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree of plain values always serialises", e);
        }
    }

    /**
     * An evaluation's figures as the report's top level has them: {@code samples}, {@code correct},
     * {@code accuracy}, {@code errors_km}, {@code bootstrap} (with intervals) and {@code calibration}.
     */
    static void figuresJson(ObjectNode root, Evaluation evaluation, Optional<EvaluationIntervals> intervals) {
        root.put("samples", evaluation.samples()).put("correct", evaluation.correct())
                .put("accuracy", evaluation.accuracy());
        ObjectNode errors = root.putObject("errors_km");
        for (ErrorMeasure measure : ErrorMeasure.values()) {
            DistanceMetrics distance = evaluation.distance(measure);
            ObjectNode node = errors.putObject(measure.key()).put("description", measure.label())
                    .put("mean", distance.meanKm()).put("median", distance.medianKm());
            ObjectNode within = node.putObject("within_km");
            Evaluation.RADII_KM.forEach(radius -> within.put(Evaluation.radiusLabel(radius),
                    distance.accuracyWithinKm(radius)));
        }
        intervals.ifPresent(i -> intervalsJson(root.putObject("bootstrap"), i));
        calibrationJson(root.putObject("calibration"), evaluation);
    }

    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Evaluation: ").append(model.name()).append("\n\n");
        md.append(String.format(Locale.ROOT, "%d images of the %s split of `%s` (split: %s)", evaluation.samples(), split,
                dataset, splitMethod));
        md.append(skipped.isEmpty() ? "." : String.format(Locale.ROOT, "; %d skipped (listed below).", skipped.size()));
        if (bundleDigest != null) {
            md.append(" Bundle sha256 `").append(bundleDigest).append("`.");
        }
        md.append("\n\n## Results\n\n");
        md.append("In the study's format: accuracy and Acc@k in %, errors in km between the predicted and the true ")
                .append("region's center (0 when the region is right).\n\n");
        md.append(resultsTable());
        md.append("\n## Error by how it is measured\n\n");
        md.append(errorTable(evaluation, intervals));
        md.append("\n- *region centers (study)*: predicted region's center to the true region's center.\n")
                .append("- *estimate to photo*: the model's location estimate (its region's center, or a point between ")
                .append("likely regions when that has the lower expected error) to the photo's true coordinates.\n")
                .append("- *predicted center to photo*: the predicted region's center to the photo's true coordinates.\n");
        md.append(intervals.map(i -> String.format(Locale.ROOT, "\nIntervals: 95 %%, by a bootstrap of the %d test "
                + "locations (%d resamples, seed %d), every photo of a drawn location coming along.\n", i.locations(),
                i.bootstrap().resamples(), i.bootstrap().seed())).orElse("\nNo intervals: the bootstrap was turned off.\n"));
        md.append("\n## Calibration\n\n");
        md.append(calibrationMarkdown(evaluation, intervals, true));
        perLocation.ifPresent(fused -> md.append('\n').append(fused.markdown()));
        md.append("\n## Per region\n\n");
        md.append(regionTable());
        md.append("\n![Confusion matrix](").append(CONFUSION_PNG).append(")\n\n![Error CDF](").append(CDF_PNG).append(")\n");
        if (!skipped.isEmpty()) {
            md.append("\n## Skipped images\n\n");
            skipped.stream().limit(SKIPPED_LISTED).forEach(s ->
                    md.append("- `").append(s.image()).append("`: ").append(ResultsTable.cell(s.reason())).append('\n'));
            if (skipped.size() > SKIPPED_LISTED) {
                md.append("- and ").append(skipped.size() - SKIPPED_LISTED).append(" more, listed in ").append(JSON).append('\n');
            }
        }
        return md.toString();
    }

    private String regionTable() {
        ConfusionMatrix confusion = evaluation.confusion();
        StringBuilder md = new StringBuilder("| Region | Images | Correct | Accuracy (%) | Most often mistaken for |\n")
                .append("|---|---:|---:|---:|---|\n");
        for (RegionAccuracy region : evaluation.regions()) {
            OptionalInt mistaken = confusion.mostMistakenFor(region.index());
            md.append("| ").append(ResultsTable.cell(region.regionName()))
                    .append(" | ").append(region.support())
                    .append(" | ").append(region.correct())
                    .append(" | ").append(region.support() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", 100 * region.accuracy()))
                    .append(" | ").append(mistaken.isEmpty() ? "–" : String.format(Locale.ROOT, "%s (%d)",
                            ResultsTable.cell(confusion.names().get(mistaken.getAsInt())),
                            confusion.count(region.index(), mistaken.getAsInt())))
                    .append(" |\n");
        }
        return md.toString();
    }

    /** Mean, median and Acc@k of every error measure, in Markdown, each with its interval when there are intervals. */
    static String errorTable(Evaluation evaluation, Optional<EvaluationIntervals> intervals) {
        StringBuilder md = new StringBuilder("| Error measured | Mean (km) | Median (km) |");
        Evaluation.RADII_KM.forEach(radius -> md.append(" Acc@").append(Evaluation.radiusLabel(radius)).append("km |"));
        md.append("\n|---|").append("---:|".repeat(2 + Evaluation.RADII_KM.size())).append('\n');
        for (ErrorMeasure measure : ErrorMeasure.values()) {
            md.append("| ").append(measure.label());
            errorCells(evaluation, intervals, measure).forEach(cell -> md.append(" | ").append(cell));
            md.append(" |\n");
        }
        return md.toString();
    }

    /** Mean, median and Acc@k cells of one measure, each with its interval when there are intervals. */
    private static List<String> errorCells(Evaluation evaluation, Optional<EvaluationIntervals> intervals,
                                           ErrorMeasure measure) {
        DistanceMetrics distance = evaluation.distance(measure);
        List<String> cells = new ArrayList<>();
        if (intervals.isPresent()) {
            EvaluationIntervals.Errors errors = intervals.get().errors(measure);
            cells.add(errors.meanKm().format(1, 2));
            cells.add(errors.medianKm().format(1, 2));
            errors.withinKm().forEach(within -> cells.add(within.format(100, 2)));
        } else {
            cells.add(String.format(Locale.ROOT, "%.2f", distance.meanKm()));
            cells.add(String.format(Locale.ROOT, "%.2f", distance.medianKm()));
            Evaluation.RADII_KM.forEach(radius -> cells.add(String.format(Locale.ROOT, "%.2f",
                    100 * distance.accuracyWithinKm(radius))));
        }
        return cells;
    }

    /** @param diagram whether to show {@value #RELIABILITY_PNG}, which is drawn for the single photos only */
    static String calibrationMarkdown(Evaluation evaluation, Optional<EvaluationIntervals> intervals, boolean diagram) {
        Optional<Calibration> found = evaluation.calibration();
        if (found.isEmpty()) {
            return "Not available: the images were scored without the model's probabilities.\n";
        }
        Calibration calibration = found.get();
        Optional<EvaluationIntervals> i = intervals;
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "- ECE (%d equal-width bins of top-1 confidence): %s %%%s\n", Calibration.BINS,
                i.flatMap(EvaluationIntervals::ece).map(e -> e.format(100, 2))
                        .orElse(String.format(Locale.ROOT, "%.2f", 100 * calibration.ece())),
                i.isPresent() ? " (an average of absolute gaps grows with noise, so its resamples mostly lie above it: "
                        + "the interval says how noisy the ECE is more than where it lies)" : ""));
        md.append(String.format(Locale.ROOT, "- NLL: %.4f nats (mean −ln p of the true region, p clamped at %.0e)\n",
                calibration.nll(), Calibration.PROBABILITY_FLOOR));
        md.append(String.format(Locale.ROOT, "- Brier score: %.4f (Σ over regions of (p − truth)², mean over images: "
                + "0 to 2)\n", calibration.brier()));
        md.append(diagram ? "\n![Reliability diagram](" + RELIABILITY_PNG + ")\n\n" : "\n");
        double level = calibration.errorEstimate(EstimateMeasure.TRUE_CENTER).confidenceLevel();
        md.append(String.format(Locale.ROOT, "The distance-error estimate against the actual error:\n\n| Actual error "
                + "measured | Spearman | Mean actual (km) | Mean expected (km) | Ratio actual / expected | Within the "
                + "%.0f %% radius (%%) | Median radius (km) |\n|---|---:|---:|---:|---:|---:|---:|\n", 100 * level));
        for (EstimateMeasure measure : EstimateMeasure.values()) {
            ErrorEstimateCalibration estimate = calibration.errorEstimate(measure);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %s | %s | %.2f |\n", measure.label(),
                    CalibrationTable.number(estimate.spearman()), estimate.meanActualKm(), estimate.meanExpectedKm(),
                    CalibrationTable.number(estimate.ratio()), i.map(x -> x.coverage().get(measure).format(100, 2))
                            .orElse(String.format(Locale.ROOT, "%.2f", 100 * estimate.coverage())),
                    estimate.medianRadiusKm()));
        }
        md.append("\n- *estimate to true center*: the location estimate to the true region's center, which the ")
                .append("expected error (probability-weighted distance to the region centers) estimates.\n")
                .append("- *estimate to photo*: the location estimate to the photo's true coordinates.\n")
                .append("- Spearman: rank correlation of expected and actual error (– when either is constant); ")
                .append("a ratio above 1: the model expects less error than it makes.\n");
        return md.toString();
    }

    private static void intervalsJson(ObjectNode node, EvaluationIntervals intervals) {
        node.put("method", "percentile, resampling test locations with replacement")
                .put("level", LocationBootstrap.LEVEL).put("resamples", intervals.bootstrap().resamples())
                .put("seed", intervals.bootstrap().seed()).put("locations", intervals.locations());
        interval(node, "accuracy", intervals.accuracy());
        ObjectNode errors = node.putObject("errors_km");
        for (ErrorMeasure measure : ErrorMeasure.values()) {
            EvaluationIntervals.Errors figures = intervals.errors(measure);
            ObjectNode measureNode = errors.putObject(measure.key());
            interval(measureNode, "mean", figures.meanKm());
            interval(measureNode, "median", figures.medianKm());
            ObjectNode within = measureNode.putObject("within_km");
            for (int r = 0; r < Evaluation.RADII_KM.size(); r++) {
                interval(within, Evaluation.radiusLabel(Evaluation.RADII_KM.get(r)), figures.withinKm().get(r));
            }
        }
        intervals.ece().ifPresent(ece -> interval(node, "ece", ece));
        if (!intervals.coverage().isEmpty()) {
            ObjectNode coverage = node.putObject("coverage");
            intervals.coverage().forEach((measure, estimate) -> interval(coverage, measure.key(), estimate));
        }
    }

    private static void interval(ObjectNode node, String name, BootstrapEstimate estimate) {
        node.putArray(name).add(estimate.interval().low()).add(estimate.interval().high());
    }

    private static void calibrationJson(ObjectNode node, Evaluation evaluation) {
        Optional<Calibration> found = evaluation.calibration();
        node.put("available", found.isPresent());
        if (found.isEmpty()) {
            node.put("reason", "the images were scored without the model's probabilities");
            return;
        }
        Calibration calibration = found.get();
        node.put("ece", calibration.ece()).put("ece_bins", Calibration.BINS)
                .put("nll", calibration.nll()).put("nll_probability_floor", Calibration.PROBABILITY_FLOOR)
                .put("brier", calibration.brier())
                .put("brier_convention", "sum over regions of (p - truth)^2, mean over images: 0 to 2");
        ArrayNode bins = node.putArray("bins");
        for (ReliabilityBin bin : calibration.bins()) {
            ObjectNode binNode = bins.addObject().put("lower", bin.lower()).put("upper", bin.upper())
                    .put("images", bin.images());
            putFinite(binNode, "mean_confidence", bin.meanConfidence());
            putFinite(binNode, "accuracy", bin.accuracy());
        }
        ObjectNode errorEstimate = node.putObject("error_estimate");
        for (EstimateMeasure measure : EstimateMeasure.values()) {
            ErrorEstimateCalibration estimate = calibration.errorEstimate(measure);
            ObjectNode measureNode = errorEstimate.putObject(measure.key()).put("description", measure.label());
            putFinite(measureNode, "spearman", estimate.spearman());
            measureNode.put("mean_actual_km", estimate.meanActualKm()).put("mean_expected_km", estimate.meanExpectedKm());
            putFinite(measureNode, "ratio", estimate.ratio());
            measureNode.put("coverage", estimate.coverage()).put("confidence_level", estimate.confidenceLevel())
                    .put("median_radius_km", estimate.medianRadiusKm());
        }
    }

    /** A number, or null when it is undefined: JSON has no NaN. */
    private static void putFinite(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }
}
