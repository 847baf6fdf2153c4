package dev.geoloc.trainer.evaluation;

import java.util.Optional;

import dev.geoloc.model.Prediction;

/**
 * The points a model can answer with, coarse to fine: the estimate its region probabilities give, the cell head's
 * point within the predicted region (a bundle with cells), and the gallery's refinement (a bundle with a gallery).
 * A prediction answers with the finest it has ({@link Prediction#point()}); evaluating it at the coarser ones shows
 * what each finer step adds.
 */
public enum PointStage {
    REGION("region-level estimate"),
    CELL("cell head's point"),
    RETRIEVAL("refined by retrieval");

    private final String label;

    PointStage(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * The prediction as it would be without the stages after this one. Its error bar is the region-level
     * estimate's, but for the stage served: a cell's own bar needs the head's output, which a prediction does not keep.
     */
    Prediction at(Prediction prediction) {
        return switch (this) {
            case REGION -> new Prediction(prediction.probabilities(), prediction.top(), prediction.location());
            case CELL -> new Prediction(prediction.probabilities(), prediction.top(), prediction.location(),
                    prediction.cell(), Optional.empty());
            case RETRIEVAL -> prediction;
        };
    }
}
