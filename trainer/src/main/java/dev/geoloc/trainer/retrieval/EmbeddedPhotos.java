package dev.geoloc.trainer.retrieval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.model.Prediction;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.regions.LatLon;

/**
 * A dataset's photos as the model sees them: each one's served probabilities and the encoder's embedding, with
 * its true place and region. Photos that cannot be read or decoded are left out and counted.
 */
record EmbeddedPhotos(List<Photo> photos, int skipped) {

    /**
     * One photo: where it was taken, in which region (label index), and what the model made of it: its served
     * probabilities, the point it answers with before any gallery refines it (the cell head's, or the region-level
     * estimate), and its embedding.
     */
    record Photo(LatLon location, int region, float[] probabilities, LatLon unrefined, float[] embedding) {
    }

    private static final int BATCH_SIZE = 32;

    static EmbeddedPhotos of(RegionPredictor predictor, Manifest manifest, List<ManifestEntry> entries) throws IOException {
        ImagePreprocessor preprocessor = predictor.preprocessor();
        int tensorSize = predictor.imageTensorSize();
        float[] batch = new float[BATCH_SIZE * tensorSize];
        List<ManifestEntry> inBatch = new ArrayList<>(BATCH_SIZE);
        List<Photo> photos = new ArrayList<>(entries.size());
        int skipped = 0;
        for (int i = 0; i < entries.size(); i++) {
            ManifestEntry entry = entries.get(i);
            try {
                preprocessor.preprocess(Files.readAllBytes(manifest.resolve(entry)), batch, inBatch.size() * tensorSize);
                inBatch.add(entry);
            } catch (ImageRejectedException | NoSuchFileException e) {
                skipped++;
            }
            if (inBatch.size() == BATCH_SIZE || (i == entries.size() - 1 && !inBatch.isEmpty())) {
                RegionPredictor.Embedded embedded = predictor.embed(batch, inBatch.size());
                int dimension = embedded.embeddings().length / inBatch.size();
                for (int k = 0; k < inBatch.size(); k++) {
                    ManifestEntry photo = inBatch.get(k);
                    Prediction prediction = embedded.predictions().get(k);
                    photos.add(new Photo(photo.location(), predictor.catalog().indexOf(photo.regionId()),
                            prediction.probabilities(), prediction.unrefinedPoint(),
                            Arrays.copyOfRange(embedded.embeddings(), k * dimension, (k + 1) * dimension)));
                }
                inBatch.clear();
            }
        }
        return new EmbeddedPhotos(List.copyOf(photos), skipped);
    }
}
