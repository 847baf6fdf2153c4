package dev.geoloc.trainer.calibration;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.Split;
import dev.geoloc.model.BundleCalibration;
import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.regions.PhotoSpread;
import dev.geoloc.trainer.bundle.InPlaceRewrite;

/**
 * Calibrates a bundle on a dataset: fits the temperature on one split's images ({@link TemperatureFit}), draws the
 * training split's photo coordinates per region ({@link PhotoSampler}), and writes the bundle with its
 * {@code calibration.json}. Shared by {@code calibrate} and the end of {@code train}, so that both calibrate alike.
 */
public final class Calibrator {

    private static final int BATCH_SIZE = 32;

    private final PrintWriter console;

    public Calibrator(PrintWriter console) {
        this.console = console;
    }

    /**
     * What was done: the calibration written, where, and how many of the fit's images could not be used.
     *
     * @param skipped images of the fit split that could not be read or decoded, and were left out
     */
    public record Outcome(BundleCalibration calibration, Path bundle, int skipped) {
    }

    /**
     * @param bundle   the bundle to calibrate, a directory or a zip; an existing calibration is replaced, and its
     *                 temperature is not compounded (the fit starts from the head's own logits)
     * @param manifest the dataset
     * @param dataset  its name, for the record
     * @param fitSplit the split the temperature is fitted on: validation, never the images a model trained on
     * @param out      the calibrated bundle's directory, which must not exist or be empty; null to replace
     *                 {@code bundle}, which must then be a directory
     * @throws IllegalArgumentException when the dataset has regions the bundle's catalog does not, or the fit split
     *                                  has no usable image
     */
    public Outcome calibrate(Path bundle, Manifest manifest, String dataset, Split fitSplit, String device, Path out)
            throws IOException {
        if (out == null && !Files.isDirectory(bundle)) {
            throw new IllegalArgumentException("a zipped bundle cannot be calibrated in place: give a directory to write"
                    + " the calibrated bundle to");
        }
        List<ManifestEntry> fitImages = manifest.split(fitSplit);
        try (ModelBundle opened = ModelBundle.open(bundle)) {
            TreeSet<String> unknown = manifest.entries().stream().map(ManifestEntry::regionId)
                    .filter(id -> opened.catalog().byId(id).isEmpty()).collect(Collectors.toCollection(TreeSet::new));
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("the dataset's regions " + unknown + " are not in the bundle's "
                        + opened.catalog().city() + " catalog " + opened.catalog().ids());
            }
            SplitLogits.Run run;
            try (RegionPredictor predictor = RegionPredictor.load(opened, PredictorOptions.DEFAULT.withDevice(device))) {
                console.printf(Locale.ROOT, "Fitting the temperature on %d images of the %s split of %s, on %s%n",
                        fitImages.size(), fitSplit.label(), dataset, predictor.device());
                console.flush();
                run = SplitLogits.of(predictor, manifest, fitImages, BATCH_SIZE);
            }
            if (run.logits().images() == 0) {
                throw new IllegalArgumentException("none of the " + fitImages.size() + " images of the " + fitSplit.label()
                        + " split of " + dataset + " could be used to fit a temperature");
            }
            TemperatureFit fit = TemperatureFit.of(run.logits());
            PhotoSpread spread = PhotoSampler.sample(manifest.split(Split.TRAIN), opened.catalog());
            BundleCalibration calibration = new BundleCalibration(fit.temperature(),
                    new BundleCalibration.Fit(dataset, fitSplit.label(), run.logits().images(), fit.nllBefore(),
                            fit.nllAfter()),
                    "train split of " + dataset + ", up to " + BundleCalibration.MAX_POINTS_PER_REGION
                            + " locations per region", spread);
            Path written = out != null ? BundleWriter.calibrated(opened, calibration, out)
                    : InPlaceRewrite.rewrite(opened, "calibrating",
                            directory -> BundleWriter.calibrated(opened, calibration, directory));
            report(calibration, run.skipped(), written);
            return new Outcome(calibration, written, run.skipped());
        }
    }

    private void report(BundleCalibration calibration, int skipped, Path written) {
        BundleCalibration.Fit fit = calibration.fit();
        int fewest = Integer.MAX_VALUE;
        int most = 0;
        for (int j = 0; j < calibration.spread().regions(); j++) {
            fewest = Math.min(fewest, calibration.spread().of(j).size());
            most = Math.max(most, calibration.spread().of(j).size());
        }
        console.printf(Locale.ROOT, "Temperature %.3f: NLL %.4f before, %.4f after, on %d %s images%s%n",
                calibration.temperature(), fit.nllBefore(), fit.nllAfter(), fit.images(), fit.split(),
                skipped == 0 ? "" : " (" + skipped + " unreadable, left out)");
        console.printf(Locale.ROOT, "Photo spread: %d to %d training locations per region (at most %d)%n", fewest, most,
                BundleCalibration.MAX_POINTS_PER_REGION);
        console.printf(Locale.ROOT, "Calibrated bundle (%s): %s%n", calibration.identifier(), written);
        console.flush();
    }
}
