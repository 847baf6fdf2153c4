package dev.geoloc.trainer.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.geoloc.regions.RegionCatalog;

/** The study's distances: row y of the catalog's center-to-center haversine matrix, d(y, j). */
final class RegionCenterDistances implements TruthDistances {

    private final int numRegions;
    private final float[] matrixKm;

    RegionCenterDistances(RegionCatalog catalog) {
        numRegions = catalog.size();
        double[][] distances = catalog.distanceMatrixKm();
        matrixKm = new float[numRegions * numRegions];
        for (int i = 0; i < numRegions; i++) {
            for (int j = 0; j < numRegions; j++) {
                matrixKm[i * numRegions + j] = (float) distances[i][j];
            }
        }
    }

    @Override
    public NDArray kilometres(Batch batch) {
        // A one-hot row times the matrix picks row y exactly: 1·d + 0·… adds nothing.
        return batch.oneHot().matMul(batch.constant(matrixKm, new Shape(numRegions, numRegions)));
    }
}
