package dev.geoloc.trainer.retrieval;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.ManifestException;
import dev.geoloc.dataset.Split;
import dev.geoloc.model.BundleException;
import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.InferenceDevice;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.retrieval.Gallery;
import dev.geoloc.retrieval.GalleryFile;
import dev.geoloc.retrieval.Retrieval;
import dev.geoloc.trainer.bundle.InPlaceRewrite;
import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
import dev.geoloc.trainer.options.BundleRewriteOptions;
import dev.geoloc.trainer.options.DatasetOptions;
import dev.geoloc.trainer.options.DeviceOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code geoloc-trainer gallery}: embeds a dataset's training photos with a bundle's encoder, tunes how they refine
 * predictions on the validation split, and writes the bundle with its {@code gallery.bin} (docs/retrieval.md).
 */
@Command(name = "gallery",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Adds a retrieval gallery to a model bundle: the training split's photos, embedded by the "
                + "bundle's encoder (float16, L2-normalised) with their coordinates, at most " + GalleryFile.MAX_ENTRIES
                + " (a seeded sample beyond). Tunes the neighbours, regions searched and similarity threshold on the "
                + "validation split for Acc@1km to the photo, prints the grid against the model's point alone (region-level, or its cells'), and "
                + "writes the bundle with gallery.bin, in place or to --out. The bundle's digest changes.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written",
                "1:failed: invalid bundle or manifest, no usable image, or the bundle could not be written",
                "2:wrong usage: bad option or device, a zipped bundle without --out"})
public final class GalleryCommand implements Callable<Integer>, ComputesWithLibtorch {

    @Spec
    CommandSpec spec;

    @Mixin
    BundleRewriteOptions bundle;

    @Mixin
    DatasetOptions data;

    @Mixin
    DeviceOption device;

    @Option(names = "--max-photos", defaultValue = "" + GalleryFile.MAX_ENTRIES, paramLabel = "N",
            description = "Most training photos the gallery holds, 1 to " + GalleryFile.MAX_ENTRIES
                    + " (default: ${DEFAULT-VALUE}); a seeded sample when there are more.")
    int maxPhotos;

    @Override
    public Integer call() {
        checkUsage();
        PrintWriter console = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ModelBundle opened = ModelBundle.open(bundle.bundle())) {
            Manifest manifest = data.manifest(null);
            try (RegionPredictor predictor = RegionPredictor.load(opened, PredictorOptions.DEFAULT.withDevice(device.device()))) {
                List<ManifestEntry> training = sample(manifest.split(Split.TRAIN));
                console.printf(Locale.ROOT, "Embedding %d training photos of %s, on %s%n", training.size(), data.name(),
                        predictor.device());
                console.flush();
                EmbeddedPhotos train = EmbeddedPhotos.of(predictor, manifest, training);
                EmbeddedPhotos validation = EmbeddedPhotos.of(predictor, manifest, manifest.split(Split.VALIDATION));
                if (train.photos().isEmpty() || validation.photos().isEmpty()) {
                    err.println("gallery failed: the dataset needs usable training and validation photos (got "
                            + train.photos().size() + " and " + validation.photos().size() + ")");
                    err.flush();
                    return 1;
                }
                Gallery gallery = Gallery.of(opened.manifest().embeddingDim(), opened.catalog().size(),
                        train.photos().stream().map(photo -> new Gallery.Entry(photo.embedding(), photo.location(),
                                photo.region())).toList());
                RetrievalTuning.Result tuning = RetrievalTuning.tune(gallery, validation.photos());
                print(console, tuning, validation.photos().size());
                Retrieval chosen = tuning.best().retrieval().orElseThrow();
                Path written = bundle.out().isPresent()
                        ? BundleWriter.withGallery(opened, gallery, chosen, bundle.out().get())
                        : InPlaceRewrite.rewrite(opened, "gallery",
                                directory -> BundleWriter.withGallery(opened, gallery, chosen, directory));
                console.printf(Locale.ROOT, "Gallery of %d photos (%d unreadable left out), %.1f MB, retrieval %s: %s%n",
                        gallery.size(), train.skipped(), Files.size(written.resolve(GalleryFile.NAME)) / 1e6,
                        describe(chosen), written);
                console.flush();
                return 0;
            }
        } catch (IOException | UncheckedIOException | BundleException | ManifestException | IllegalArgumentException
                 | IllegalStateException e) { // IllegalStateException: the model gave non-finite outputs
            err.println("gallery failed: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private void checkUsage() {
        if (maxPhotos < 1 || maxPhotos > GalleryFile.MAX_ENTRIES) {
            throw new ParameterException(spec.commandLine(), "--max-photos must be 1 to " + GalleryFile.MAX_ENTRIES);
        }
        bundle.check(spec);
        try {
            InferenceDevice.select(device.device());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The training photos, or a seeded sample of them when there are more than the gallery may hold. */
    private List<ManifestEntry> sample(List<ManifestEntry> training) {
        if (training.size() <= maxPhotos) {
            return training;
        }
        List<ManifestEntry> shuffled = new ArrayList<>(training);
        Collections.shuffle(shuffled, new Random(1));
        return List.copyOf(shuffled.subList(0, maxPhotos));
    }

    private static void print(PrintWriter console, RetrievalTuning.Result tuning, int photos) {
        console.printf(Locale.ROOT, "Tuned on %d validation photos: within %.0f km of the photo, and mean error%n", photos,
                RetrievalTuning.WITHIN_KM);
        console.printf(Locale.ROOT, "  %-58s %8s %10s %9s%n", "setting", "@1km", "mean (km)", "refined");
        line(console, "the model's point alone", tuning.withoutRetrieval());
        for (RetrievalTuning.Score score : tuning.scores().subList(0, Math.min(5, tuning.scores().size()))) {
            line(console, describe(score.retrieval().orElseThrow()), score);
        }
    }

    private static void line(PrintWriter console, String setting, RetrievalTuning.Score score) {
        console.printf(Locale.ROOT, "  %-58s %7.1f%% %10.2f %8.0f%%%n", setting, 100 * score.withinKm(), score.meanKm(),
                100 * score.refinedShare());
    }

    private static String describe(Retrieval retrieval) {
        return String.format(Locale.ROOT, "%d neighbours in the top %d region%s, %s", retrieval.neighbours(),
                retrieval.regions(), retrieval.regions() == 1 ? "" : "s", retrieval.minSimilarity() <= -1
                        ? "any similarity" : String.format(Locale.ROOT, "similarity >= %.3f", retrieval.minSimilarity()));
    }
}
