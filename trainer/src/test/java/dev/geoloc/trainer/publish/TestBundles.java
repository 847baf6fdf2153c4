package dev.geoloc.trainer.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.HeadSpec;
import dev.geoloc.model.Heads;
import dev.geoloc.model.InferenceDevice;
import dev.geoloc.regions.RegionCatalog;

/**
 * Bundles from the built-in tiny-cnn encoder and a seeded, untrained classifier head (as region-model's own
 * tests make them), with whatever metrics a test needs.
 */
final class TestBundles {

    static final String DATASET = "synthcity-la-2k/test";
    static final HeadSpec CLASSIFIER = new HeadSpec.Classifier(32, 0.1f);

    private TestBundles() {
    }

    static Path bundle(Path directory, String modelName, Map<String, Object> metrics) throws IOException {
        String encoder = "tiny-cnn";
        RegionCatalog catalog = RegionCatalog.losAngeles();
        EncoderContract contract = EncoderContract.builtIn(encoder);
        Path encoderFile = EncoderContract.copyBuiltIn(encoder, directory.resolveSibling(directory.getFileName() + ".pt"));
        try (NDManager manager = NDManager.newBaseManager(InferenceDevice.ENGINE)) {
            Engine.getEngine(InferenceDevice.ENGINE).setRandomSeed(7);
            Block head = Heads.build(CLASSIFIER, catalog.size());
            head.initialize(manager, DataType.FLOAT32, new Shape(1, contract.embeddingDim()));
            return new BundleWriter(modelName, catalog)
                    .encoder(contract, encoderFile)
                    .head(CLASSIFIER, head)
                    .training(Map.of("loss", "geo-smoothing", "epochs", 3))
                    .metrics(metrics)
                    .created(Instant.parse("2026-11-25T00:00:00Z"))
                    .write(directory);
        }
    }

    /** A complete evaluation on {@link #DATASET} with 2000 images. */
    static Map<String, Object> metrics(double meanErrorKm, double accuracy) {
        return metrics(DATASET, 2000, meanErrorKm, accuracy);
    }

    static Map<String, Object> metrics(String dataset, int samples, double meanErrorKm, double accuracy) {
        Map<String, Object> metrics = new HashMap<>();
        metrics.put("dataset", dataset);
        metrics.put("samples", samples);
        metrics.put("accuracy", accuracy);
        metrics.put("mean_error_km", meanErrorKm);
        metrics.put("median_error_km", meanErrorKm / 2);
        metrics.put("acc_at_1km", accuracy);
        metrics.put("acc_at_5km", Math.min(1, accuracy + 0.1));
        metrics.put("acc_at_10km", Math.min(1, accuracy + 0.2));
        metrics.put("acc_at_25km", Math.min(1, accuracy + 0.3));
        return metrics;
    }
}
