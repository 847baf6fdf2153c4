package dev.geoloc.trainer.evaluation;

import java.util.Map;

import dev.geoloc.model.BundleManifest;

/** How a model is named in the results table: the study's Model, Backbone and Loss columns. */
public record ModelDescription(String name, String backbone, String loss) {

    /** What the study writes for a model trained without a loss of its own (zero-shot). */
    public static final String NO_LOSS = "N/A";

    /**
     * From a bundle: its model name, its training's {@code backbone} (else the encoder's name) and its
     * training's {@code loss} (else {@value #NO_LOSS}).
     *
     * @param name the name to show, or null for the bundle's model name
     */
    public static ModelDescription of(BundleManifest manifest, String name) {
        Map<String, Object> training = manifest.training();
        return new ModelDescription(name != null ? name : manifest.modelName(),
                String.valueOf(training.getOrDefault("backbone", manifest.encoderName())),
                String.valueOf(training.getOrDefault("loss", NO_LOSS)));
    }
}
