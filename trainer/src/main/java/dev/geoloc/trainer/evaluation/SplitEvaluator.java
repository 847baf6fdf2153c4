package dev.geoloc.trainer.evaluation;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.model.Prediction;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.console.ProgressLine;

/** Runs a model over a manifest's images in batches and scores every prediction against the manifest. */
public final class SplitEvaluator {

    private SplitEvaluator() {
    }

    /**
     * What a run gives: the scores, the images it could not use, and how long it took.
     *
     * @param served  the point the model answers with ({@link PointStage}): the finest it has
     * @param coarser for a bundle with cells or a gallery, the same images scored at each coarser point, to set the
     *                finer ones against; empty for a bundle that answers with its region-level estimate
     */
    public record Run(EvaluationAccumulator accumulator, PointStage served, Map<PointStage, EvaluationAccumulator> coarser,
                      List<SkippedImage> skipped, double seconds) {

        public Run {
            coarser = Collections.unmodifiableMap(new EnumMap<>(coarser));
        }

        /** The images scored at their region-level estimates. */
        public EvaluationAccumulator regionLevel() {
            return coarser.getOrDefault(PointStage.REGION, accumulator);
        }
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
        PointStage served = predictor.retrieval().isPresent() ? PointStage.RETRIEVAL
                : predictor.cells().isPresent() ? PointStage.CELL : PointStage.REGION;
        Map<PointStage, EvaluationAccumulator> coarser = new EnumMap<>(PointStage.class);
        for (PointStage stage : PointStage.values()) {
            boolean available = stage != PointStage.CELL || predictor.cells().isPresent();
            if (stage.compareTo(served) < 0 && available) {
                coarser.put(stage, new EvaluationAccumulator(catalog));
            }
        }
        List<SkippedImage> skipped = new ArrayList<>();
        ProgressLine progress = ProgressLine.of(err, "evaluating", "images", entries.size());
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
                    coarser.forEach((stage, at) -> at.add(scored.locationId(), catalog.indexOf(scored.regionId()),
                            scored.location(), stage.at(prediction)));
                }
                inBatch.clear();
            }
            progress.update(i + 1);
        }
        return new Run(accumulator, served, coarser, skipped, progress.seconds());
    }
}
