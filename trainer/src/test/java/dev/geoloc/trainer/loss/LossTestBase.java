package dev.geoloc.trainer.loss;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import dev.geoloc.regions.RegionCatalog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A PyTorch manager per test, the line catalog, and shorthands for building inputs and reading results. */
abstract class LossTestBase {

    static final double TOLERANCE = 1e-5;

    final RegionCatalog catalog = LineCatalog.catalog();
    NDManager manager;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    /** Labels with only the region indices, as the non-photo losses accept. */
    NDList regions(long... regions) {
        return new NDList(manager.create(regions));
    }

    /** Labels with the region indices and the photos' (latitude, longitude). */
    NDList photos(long[] regions, float[][] latitudeLongitude) {
        return new NDList(manager.create(regions), manager.create(latitudeLongitude));
    }

    NDArray logits(double[]... rows) {
        float[][] values = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            values[i] = new float[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                values[i][j] = (float) rows[i][j];
            }
        }
        return manager.create(values);
    }

    static double value(Loss loss, NDList labels, NDArray logits) {
        try (NDArray result = loss.evaluate(labels, new NDList(logits))) {
            return result.getFloat();
        }
    }

    /** The gradient of the loss with respect to the logits, as [B][C]. */
    static float[][] gradient(Loss loss, NDList labels, NDArray logits) {
        logits.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(loss.evaluate(labels, new NDList(logits)));
        }
        int rows = Math.toIntExact(logits.getShape().get(0));
        float[] flat = logits.getGradient().toFloatArray();
        int columns = flat.length / rows;
        float[][] gradient = new float[rows][columns];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * columns, gradient[i], 0, columns);
        }
        return gradient;
    }
}
