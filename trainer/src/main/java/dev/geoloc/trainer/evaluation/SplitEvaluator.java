package dev.geoloc.trainer.evaluation;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.model.Prediction;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.regions.RegionCatalog;

/** Runs a model over a manifest's images in batches and scores every prediction against the manifest. */
public final class SplitEvaluator {

    private SplitEvaluator() {
    }

    /**
     * What a run gives: the scores, the images it could not use, and how long it took.
     *
     * @param regionLevel for a bundle with a retrieval gallery, the same images scored at the points the probabilities
     *                    alone give, to set the refinement against; empty without a gallery
     */
    public record Run(EvaluationAccumulator accumulator, Optional<EvaluationAccumulator> regionLevel,
                      List<SkippedImage> skipped, double seconds) {
    }

    /** Preprocesses images into batches, predicts each full batch and scores it against the manifest. */
    public static Run run(RegionPredictor predictor, Manifest images, int batchSize, PrintWriter err) {
        List<ManifestEntry> entries = images.entries();
        RegionCatalog catalog = predictor.catalog();
        ImagePreprocessor preprocessor = predictor.preprocessor();
        int tensorSize = predictor.imageTensorSize();
        float[] batch = new float[batchSize * tensorSize];
        List<ManifestEntry> inBatch = new ArrayList<>(batchSize);
        EvaluationAccumulator accumulator = new EvaluationAccumulator(catalog);
        Optional<EvaluationAccumulator> regionLevel = predictor.retrieval().map(r -> new EvaluationAccumulator(catalog));
        List<SkippedImage> skipped = new ArrayList<>();
        ProgressLine progress = new ProgressLine(err, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            ManifestEntry entry = entries.get(i);
            try {
                preprocessor.preprocess(Files.readAllBytes(images.resolve(entry)), batch, inBatch.size() * tensorSize);
                inBatch.add(entry);
            } catch (IOException e) {
                skipped.add(new SkippedImage(entry.image(), e instanceof NoSuchFileException ? "no such file"
                        : "cannot be read: " + e.getMessage()));
            } catch (ImageRejectedException e) {
                skipped.add(new SkippedImage(entry.image(), e.getMessage()));
            }
            if (inBatch.size() == batchSize || (i == entries.size() - 1 && !inBatch.isEmpty())) {
                List<Prediction> predictions = predictor.predict(batch, inBatch.size());
                for (int k = 0; k < inBatch.size(); k++) {
                    ManifestEntry scored = inBatch.get(k);
                    Prediction prediction = predictions.get(k);
                    accumulator.add(scored.locationId(), catalog.indexOf(scored.regionId()), scored.location(), prediction);
                    regionLevel.ifPresent(unrefined -> unrefined.add(scored.locationId(),
                            catalog.indexOf(scored.regionId()), scored.location(),
                            new Prediction(prediction.probabilities(), prediction.top(), prediction.location())));
                }
                inBatch.clear();
            }
            progress.update(i + 1);
        }
        return new Run(accumulator, regionLevel, skipped, progress.seconds());
    }
}
