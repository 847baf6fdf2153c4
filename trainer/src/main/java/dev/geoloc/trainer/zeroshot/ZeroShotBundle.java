package dev.geoloc.trainer.zeroshot;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.geoloc.model.BundleWriter;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.HeadSpec;
import dev.geoloc.model.InferenceDevice;
import dev.geoloc.model.PrototypeHead;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.evaluation.ModelDescription;

/**
 * The study's zero-shot baseline as a model bundle: the encoder as it is, and a prototype head with an identity
 * projection (CLIP's image tower already ends in the joint space) over the regions' text prototypes. Evaluated,
 * and servable, exactly like a trained model; {@code zero-shot} and {@code experiment} both make it.
 */
public final class ZeroShotBundle {

    private ZeroShotBundle() {
    }

    /** Writes the bundle to {@code directory}; returns it. */
    public static Path write(Path directory, RegionCatalog regions, EncoderContract contract, Path encoderFile,
                             float[][] prototypes, float temperature) throws IOException {
        HeadSpec.Prototype headSpec = new HeadSpec.Prototype(contract.embeddingDim(), temperature);
        try (NDManager manager = NDManager.newBaseManager(InferenceDevice.ENGINE)) {
            Engine.getEngine(InferenceDevice.ENGINE).setRandomSeed(0);
            PrototypeHead head = new PrototypeHead(headSpec, regions.size());
            head.initialize(manager, DataType.FLOAT32, new Shape(1, contract.embeddingDim()));
            head.getChildren().get("01projection").getParameters().get("weight").getArray()
                    .set(identity(contract.embeddingDim()));
            head.setPrototypes(prototypes);
            return new BundleWriter("zero-shot-" + contract.name(), regions)
                    .encoder(contract, encoderFile)
                    .head(headSpec, head)
                    .training(Map.of("backbone", contract.name(), "loss", ModelDescription.NO_LOSS, "zero_shot", true))
                    .write(directory);
        }
    }

    private static float[] identity(int n) {
        float[] matrix = new float[n * n];
        for (int i = 0; i < n; i++) {
            matrix[i * n + i] = 1;
        }
        return matrix;
    }
}
