package dev.geoloc.model;

/** The two heads of the study, and their hyperparameters. */
public sealed interface HeadSpec {

    /** The name used in bundles: {@code classifier} or {@code prototype}. */
    String type();

    /** Linear -> ReLU -> Dropout -> Linear to the catalog's regions. */
    record Classifier(int hiddenDim, float dropout) implements HeadSpec {
        public Classifier {
            if (hiddenDim < 1) {
                throw new IllegalArgumentException("hidden dimension " + hiddenDim + " must be positive");
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout " + dropout + " is outside [0, 1)");
            }
        }

        @Override
        public String type() {
            return "classifier";
        }
    }

    /**
     * Projects the image embedding to the text dimension and scores each region by the dot product with its
     * fixed, unit-length text prototype (e.g. CLIP's embedding of "a street view photo of {name}"), divided
     * by the temperature.
     */
    record Prototype(int textDim, float temperature) implements HeadSpec {
        public Prototype {
            if (textDim < 1) {
                throw new IllegalArgumentException("text dimension " + textDim + " must be positive");
            }
            if (!(temperature > 0)) {
                throw new IllegalArgumentException("temperature " + temperature + " must be positive");
            }
        }

        @Override
        public String type() {
            return "prototype";
        }
    }
}
