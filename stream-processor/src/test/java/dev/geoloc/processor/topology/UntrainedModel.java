package dev.geoloc.processor.topology;

import java.nio.file.Path;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.TestBundles;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.processor.versions.ServingSet;
import dev.geoloc.regions.RegionCatalog;

/** A real libtorch model for topology tests that only need one to answer: an untrained tiny-cnn over LA's regions. */
final class UntrainedModel {

    private UntrainedModel() {
    }

    /** The model, made under {@code dir}, served as {@code name} v1 on the CPU; the caller closes its predictor. */
    static ModelHolder served(Path dir, String name) throws Exception {
        Path bundlePath = TestBundles.untrained(dir.resolve("bundle"), "tiny-cnn", TestBundles.CLASSIFIER,
                RegionCatalog.losAngeles());
        ModelHolder models = new ModelHolder(new SimpleMeterRegistry());
        try (ModelBundle bundle = ModelBundle.open(bundlePath)) {
            models.swap(ServingSet.of(new ServedModel(name, 1,
                    RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu")))));
        }
        return models;
    }
}
