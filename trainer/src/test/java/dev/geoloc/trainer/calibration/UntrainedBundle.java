package dev.geoloc.trainer.calibration;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
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

/** A bundle of the built-in tiny-cnn encoder and a freshly initialised, seeded classifier head. */
final class UntrainedBundle {

    private UntrainedBundle() {
    }

    static Path write(Path directory, RegionCatalog catalog) throws IOException {
        EncoderContract contract = EncoderContract.builtIn("tiny-cnn");
        HeadSpec spec = new HeadSpec.Classifier(32, 0.1f);
        Path encoderFile = EncoderContract.copyBuiltIn("tiny-cnn", directory.resolveSibling(directory.getFileName() + ".pt"));
        try (NDManager manager = NDManager.newBaseManager(InferenceDevice.ENGINE)) {
            Engine.getEngine(InferenceDevice.ENGINE).setRandomSeed(7);
            Block head = Heads.build(spec, catalog.size());
            head.initialize(manager, DataType.FLOAT32, new Shape(1, contract.embeddingDim()));
            return new BundleWriter("untrained-tiny", catalog)
                    .encoder(contract, encoderFile)
                    .head(spec, head)
                    .training(Map.of("loss", "CE", "epochs", 0))
                    .created(Instant.parse("2026-11-25T00:00:00Z"))
                    .write(directory);
        }
    }
}
