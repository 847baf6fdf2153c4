package dev.geoloc.trainer.calibration;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.model.RegionPredictor;

/**
 * Runs a model over a dataset's images, as the processor would see them (decoded and preprocessed by the
 * predictor's own preprocessor), and keeps its logits with the true regions.
 */
final class SplitLogits {

    private SplitLogits() {
    }

    /**
     * What a run gives: the logits of the images that could be used, and how many could not be read or decoded.
     */
    record Run(LabelledLogits logits, int skipped) {
    }

    static Run of(RegionPredictor predictor, Manifest manifest, List<ManifestEntry> images, int batchSize)
            throws IOException {
        ImagePreprocessor preprocessor = predictor.preprocessor();
        int tensorSize = predictor.imageTensorSize();
        int regions = predictor.catalog().size();
        float[] batch = new float[batchSize * tensorSize];
        float[] logits = new float[images.size() * regions];
        int[] labels = new int[images.size()];
        List<Integer> inBatch = new ArrayList<>(batchSize);
        int used = 0;
        int skipped = 0;
        for (int i = 0; i < images.size(); i++) {
            ManifestEntry entry = images.get(i);
            try {
                preprocessor.preprocess(Files.readAllBytes(manifest.resolve(entry)), batch, inBatch.size() * tensorSize);
                inBatch.add(predictor.catalog().indexOf(entry.regionId()));
            } catch (ImageRejectedException | java.nio.file.NoSuchFileException e) {
                skipped++;
            }
            if (inBatch.size() == batchSize || (i == images.size() - 1 && !inBatch.isEmpty())) {
                float[] batchLogits = predictor.logits(batch, inBatch.size());
                System.arraycopy(batchLogits, 0, logits, used * regions, batchLogits.length);
                for (int label : inBatch) {
                    labels[used++] = label;
                }
                inBatch.clear();
            }
        }
        return new Run(new LabelledLogits(Arrays.copyOf(logits, used * regions), Arrays.copyOf(labels, used), regions),
                skipped);
    }
}
