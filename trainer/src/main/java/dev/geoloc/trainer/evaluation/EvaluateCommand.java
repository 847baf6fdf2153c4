package dev.geoloc.trainer.evaluation;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
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
        description = {"Evaluates a model bundle on a split of a dataset: accuracy, mean and median error and Acc@1/5/10/25 km, "
                + "measured the study's way (between predicted and true region centers, 0 when right) and against the "
                + "photos' true coordinates; per-region accuracy and the confusion matrix.",
                "Prints a summary and the results-table row; with --out also writes " + EvaluationReport.JSON + ", "
                        + EvaluationReport.MARKDOWN + ", " + EvaluationReport.CONFUSION_PNG + " and "
                        + EvaluationReport.CDF_PNG + ". Unreadable images are skipped and reported.", ""},
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

    @Option(names = "--dataset", required = true, paramLabel = "DIR",
            description = "Dataset directory holding manifest.csv, or the manifest itself.")
    Path dataset;

    @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT",
            description = "train, validation or test (default: ${DEFAULT-VALUE}).")
    String splitLabel;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "Images per model call, 1 to " + MAX_BATCH + " (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE", description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory to write the report files into (default: none, print only).")
    Path out;

    @Option(names = "--name", paramLabel = "TEXT",
            description = "The model's name in the results table (default: the bundle's model name).")
    String name;

    @Override
    public Integer call() {
        Split split = options();
        PrintWriter console = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ModelBundle bundle = ModelBundle.open(bundlePath)) {
            Manifest images = splitImages(bundle.catalog(), split);
            List<ManifestEntry> entries = images.entries();
            try (RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice(device))) {
                ModelDescription model = ModelDescription.of(bundle.manifest(), name);
                console.printf(Locale.ROOT, "Evaluating %s (%s, loss %s) on %d images of the %s split of %s, on %s%n",
                        model.name(), model.backbone(), model.loss(), entries.size(), split.label(), dataset,
                        predictor.device());
                console.flush();
                SplitEvaluator.Run run = SplitEvaluator.run(predictor, images, batchSize, err);
                if (run.accumulator().samples() == 0) {
                    err.println("evaluate failed: none of the " + entries.size() + " images could be used; the first: "
                            + run.skipped().get(0).image() + ": " + run.skipped().get(0).reason());
                    err.flush();
                    return 1;
                }
                EvaluationReport report = new EvaluationReport(model, bundle.digest(), dataset.toString(), split.label(),
                        run.skipped(), run.accumulator().result());
                printSummary(console, report, run.seconds());
                if (out != null) {
                    report.writeTo(out);
                    console.println("Wrote " + String.join(", ", EvaluationReport.JSON, EvaluationReport.MARKDOWN,
                            EvaluationReport.CONFUSION_PNG, EvaluationReport.CDF_PNG) + " to " + out);
                }
                console.flush();
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
        try {
            InferenceDevice.select(device);
            return Split.fromLabel(splitLabel);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The split's images, once every region the dataset names is known to be one of the model's. */
    private Manifest splitImages(RegionCatalog catalog, Split split) throws IOException {
        Manifest manifest = Manifest.read(dataset, null);
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
            throw new UnusableDataset("the dataset " + dataset + " has no images in its " + split.label() + " split");
        }
        return manifest.withEntries(entries);
    }

    private static void printSummary(PrintWriter console, EvaluationReport report, double seconds) {
        Evaluation evaluation = report.evaluation();
        console.printf(Locale.ROOT, "%d images evaluated, %d skipped, in %.1f s (%.1f images/s)%n",
                evaluation.samples(), report.skipped().size(), seconds, evaluation.samples() / Math.max(seconds, 1e-9));
        console.printf(Locale.ROOT, "Accuracy %.2f %%%n", 100 * evaluation.accuracy());
        for (ErrorMeasure measure : ErrorMeasure.values()) {
            DistanceMetrics distance = evaluation.distance(measure);
            console.printf(Locale.ROOT, "Error, %-26s mean %6.2f km, median %6.2f km", measure.label() + ":",
                    distance.meanKm(), distance.medianKm());
            for (double radius : Evaluation.RADII_KM) {
                console.printf(Locale.ROOT, ", @%.0fkm %.2f %%", radius, 100 * distance.accuracyWithinKm(radius));
            }
            console.println();
        }
        console.println();
        console.print(ResultsTable.markdown(List.of(ResultsRow.of(report.model(), evaluation))));
    }

    /** The dataset does not fit the model, or has nothing to evaluate: a failure of the run, not of the command line. */
    private static final class UnusableDataset extends RuntimeException {
        UnusableDataset(String message) {
            super(message);
        }
    }
}
