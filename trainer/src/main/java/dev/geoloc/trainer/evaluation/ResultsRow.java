package dev.geoloc.trainer.evaluation;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One line of the results table: a model and its evaluations, one per run (seed), all on the same test images
 * (which {@link LocationBootstrap} checks). The table shows each figure's mean over the runs with its bootstrap
 * interval; {@link #spread} gives the mean and the seeds' standard deviation.
 */
public record ResultsRow(ModelDescription model, List<Evaluation> runs) {

    public ResultsRow {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("model " + model.name() + " has no evaluation");
        }
        runs = List.copyOf(runs);
    }

    public static ResultsRow of(ModelDescription model, Evaluation evaluation) {
        return new ResultsRow(model, List.of(evaluation));
    }

    /** A figure of each run, as mean and spread. */
    public Spread spread(ToDoubleFunction<Evaluation> figure) {
        return Spread.of(runs.stream().mapToDouble(figure).toArray());
    }
}
