package dev.geoloc.trainer.evaluation;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
import dev.geoloc.trainer.options.DatasetOptions;
import dev.geoloc.trainer.options.DeviceOption;
import dev.geoloc.trainer.options.OutputOption;
import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.ManifestException;
import dev.geoloc.dataset.Split;
import dev.geoloc.model.BundleException;
import dev.geoloc.model.InferenceDevice;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.regions.RegionCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code geoloc-trainer evaluate}: runs a model bundle over one split of a dataset and reports the study's
 * metrics, the same errors measured against the photos' true coordinates, per-region accuracy and the
 * confusion matrix.
 */
@Command(name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Evaluates a model bundle on a split of a dataset: accuracy, mean and median error and "
                + "Acc@0.25/0.5/1/5/10/25 km, measured the study's way (between predicted and true region centers, 0 "
                + "when right) and against the photos' true coordinates, with 95 %% bootstrap intervals over the test "
                + "locations; per-region accuracy, the confusion matrix, and the calibration of the probabilities (ECE, "
                + "NLL, Brier) and of the distance-error estimate (Spearman, actual/expected ratio, coverage of the 90 %% "
                + "radius).",
                "Prints a summary and the results-table row; with --out also writes " + EvaluationReport.JSON + ", "
                        + EvaluationReport.MARKDOWN + ", " + EvaluationReport.CONFUSION_PNG + ", "
                        + EvaluationReport.CDF_PNG + " and " + EvaluationReport.RELIABILITY_PNG
                        + ". Unreadable images are skipped and reported. With --output json, standard output is "
                        + EvaluationReport.JSON + "'s document and the summary goes to standard error.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done",
                "1:failed: invalid bundle or manifest, dataset regions missing from the bundle's catalog, no image "
                        + "could be evaluated, or an output could not be written",
                "2:wrong usage: bad option, unknown split or device"})
public final class EvaluateCommand implements Callable<Integer>, ComputesWithLibtorch {

    /** Keeps a batch of large inputs within the predictor's 2 GiB per batch. */
    static final int MAX_BATCH = 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--bundle", required = true, paramLabel = "PATH", description = "Model bundle, a directory or a zip.")
    Path bundlePath;

    @Mixin
    DatasetOptions data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT",
            description = "train, validation or test (default: ${DEFAULT-VALUE}).")
    String splitLabel;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "Images per model call, 1 to " + MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    DeviceOption device;

    @Mixin
    OutputOption output;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory to write the report files into (default: none, print only).")
    Path out;

    @Option(names = "--name", paramLabel = "TEXT",
            description = "The model's name in the results table (default: the bundle's model name).")
    String name;

    @Option(names = "--bootstrap", defaultValue = "" + LocationBootstrap.DEFAULT_RESAMPLES, paramLabel = "N",
            description = "Resamples of the test locations for the 95 %% intervals; 0 turns the intervals off "
                    + "(default: ${DEFAULT-VALUE}).")
    int bootstrapResamples;

    @Option(names = "--bootstrap-seed", defaultValue = "" + LocationBootstrap.DEFAULT_SEED, paramLabel = "SEED",
            description = "Seed of the bootstrap's draws (default: ${DEFAULT-VALUE}).")
    long bootstrapSeed;

    @Option(names = "--per-location",
            description = "Also answer each location (a panorama's views, the manifest's location_id) once, from its "
                    + "views' probabilities fused as the stream fuses a capture group (PanoramaFusion), and compare with "
                    + "the single photos by a paired bootstrap over locations, against the targets of +6 accuracy points "
                    + "and a 30 %% lower centre-to-centre mean error.")
    boolean perLocation;

    @Override
    public Integer call() {
        Split split = options();
        PrintWriter console = output.console(spec);
        PrintWriter err = spec.commandLine().getErr();
        try (ModelBundle bundle = ModelBundle.open(bundlePath)) {
            Manifest images = splitImages(bundle.catalog(), split);
            List<ManifestEntry> entries = images.entries();
            try (RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice(device.device()))) {
                ModelDescription model = ModelDescription.of(bundle.manifest(), name);
                String splitMethod = data.splitDescription();
                console.printf(Locale.ROOT, "Evaluating %s (%s, loss %s) on %d images of the %s split of %s, on %s%n"
                                + "Split: %s%n", model.name(), model.backbone(), model.loss(), entries.size(),
                        split.label(), data.dataset(), predictor.device(), splitMethod);
                console.flush();
                SplitEvaluator.Run run = SplitEvaluator.run(predictor, images, batchSize, err);
                if (run.accumulator().samples() == 0) {
                    err.println("evaluate failed: none of the " + entries.size() + " images could be used; the first: "
                            + run.skipped().get(0).image() + ": " + run.skipped().get(0).reason());
                    err.flush();
                    return 1;
                }
                Evaluation evaluation = run.accumulator().result();
                Optional<LocationBootstrap> bootstrap = bootstrapResamples == 0 ? Optional.empty()
                        : Optional.of(new LocationBootstrap(bootstrapResamples, bootstrapSeed));
                Optional<FusionComparison> fused = perLocation
                        ? Optional.of(fusedLocations(run, evaluation, predictor, bootstrap)) : Optional.empty();
                EvaluationReport report = new EvaluationReport(model, bundle.digest(), data.dataset().toString(), split.label(),
                        splitMethod, run.skipped(), evaluation, bootstrap.map(b -> EvaluationIntervals.of(evaluation, b)),
                        fused);
                printSummary(console, report, run.seconds());
                Optional<PointComparison> points = pointComparison(run, evaluation, predictor);
                points.ifPresent(comparison -> comparison.print(console));
                fused.ifPresent(comparison -> comparison.print(console));
                if (out != null) {
                    report.writeTo(out);
                    List<String> files = new java.util.ArrayList<>(report.files());
                    if (points.isPresent()) {
                        points.get().writePlot(out, "Error to the photo, by the point answered: "
                                + model.name() + ", " + split.label() + " split");
                        files.add(PointComparison.CDF_PNG);
                    }
                    console.println("Wrote " + String.join(", ", files) + " to " + out);
                }
                console.flush();
                if (output.json()) {
                    spec.commandLine().getOut().print(report.toJson());
                    spec.commandLine().getOut().flush();
                }
                return 0;
            }
        } catch (IOException | UncheckedIOException | BundleException | ManifestException | UnusableDataset
                 | IllegalStateException e) { // IllegalStateException: the model gave non-finite probabilities
            err.println("evaluate failed: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private Split options() {
        if (batchSize < 1 || batchSize > MAX_BATCH) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be 1 to " + MAX_BATCH + ", not " + batchSize);
        }
        if (bootstrapResamples < 0) {
            throw new ParameterException(spec.commandLine(), "--bootstrap must be 0 (no intervals) or more, not "
                    + bootstrapResamples);
        }
        try {
            InferenceDevice.select(device.device());
            return Split.fromLabel(splitLabel);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** For a bundle with cells or a gallery, the images at each point it can answer with; empty for one without. */
    private static Optional<PointComparison> pointComparison(SplitEvaluator.Run run, Evaluation served,
                                                             RegionPredictor predictor) {
        if (run.coarser().isEmpty()) {
            return Optional.empty();
        }
        Map<PointStage, Evaluation> stages = new EnumMap<>(PointStage.class);
        run.coarser().forEach((stage, accumulator) -> stages.put(stage, accumulator.result()));
        stages.put(run.served(), served);
        String details = switch (run.served()) {
            case RETRIEVAL -> predictor.retrieval().map(r -> String.format(Locale.ROOT,
                    "%d neighbours in the top %d region(s), similarity >= %.3f", r.neighbours(), r.regions(),
                    r.minSimilarity())).orElseThrow();
            case CELL -> predictor.cells().orElseThrow().size() + " cells";
            case REGION -> "";
        };
        return Optional.of(new PointComparison(run.served(), details, stages));
    }

    /**
     * Each location answered once from its views fused, against its views one by one. A fused answer is the
     * region-level estimate of the fused probabilities (the stream's is too: neither cells nor a gallery refine it),
     * so with cells or a gallery the views are taken at their region-level points: the comparison then shows what
     * fusion adds, not what a finer point takes away.
     */
    private static FusionComparison fusedLocations(SplitEvaluator.Run run, Evaluation evaluation,
                                                   RegionPredictor predictor, Optional<LocationBootstrap> bootstrap) {
        Evaluation single = run.coarser().isEmpty() ? evaluation : run.regionLevel().result();
        String baseline = run.coarser().isEmpty() ? "single photos"
                : "single photos at their region-level points (a fused answer is the region-level estimate of the "
                + "fused probabilities, as the stream's is)";
        return FusionComparison.of(FusedLocations.of(single, predictor.catalog(), predictor.locationEstimator()),
                baseline, bootstrap);
    }

    /** The split's images, once every region the dataset names is known to be one of the model's. */
    private Manifest splitImages(RegionCatalog catalog, Split split) throws IOException {
        Manifest manifest = data.manifest(null);
        TreeSet<String> unknown = new TreeSet<>();
        for (ManifestEntry entry : manifest.entries()) {
            if (catalog.byId(entry.regionId()).isEmpty()) {
                unknown.add(entry.regionId());
            }
        }
        if (!unknown.isEmpty()) {
            throw new UnusableDataset("the dataset's regions " + unknown + " are not in the bundle's " + catalog.city()
                    + " catalog " + catalog.ids() + ": the model cannot predict them");
        }
        List<ManifestEntry> entries = manifest.split(split);
        if (entries.isEmpty()) {
            throw new UnusableDataset("the dataset " + data.dataset() + " has no images in its " + split.label() + " split");
        }
        return manifest.withEntries(entries);
    }

    private static void printSummary(PrintWriter console, EvaluationReport report, double seconds) {
        Evaluation evaluation = report.evaluation();
        Optional<EvaluationIntervals> intervals = report.intervals();
        console.printf(Locale.ROOT, "%d images evaluated, %d skipped, in %.1f s (%.1f images/s); %d locations%n",
                evaluation.samples(), report.skipped().size(), seconds, evaluation.samples() / Math.max(seconds, 1e-9),
                evaluation.locations());
        intervals.ifPresent(i -> console.printf(Locale.ROOT, "[95 %% intervals: bootstrap of the test locations, "
                + "%d resamples, seed %d]%n", i.bootstrap().resamples(), i.bootstrap().seed()));
        FigureLines.print(console, evaluation, intervals);
        console.println();
        console.print(report.resultsTable());
    }

    /** The dataset does not fit the model, or has nothing to evaluate: a failure of the run, not of the command line. */
    private static final class UnusableDataset extends RuntimeException {
        UnusableDataset(String message) {
            super(message);
        }
    }
}
