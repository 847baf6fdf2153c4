package dev.geoloc.trainer.experiment;

import java.util.ArrayList;
import java.util.List;

import dev.geoloc.trainer.loss.LossSpec;

/**
 * The hyperparameter values {@code experiment --sweep} tries, for the losses whose value the study does not give:
 * σ of soft labels, λ of the expected distance and the ranking margin m (ε and t of geo smoothing are the study's).
 * Each grid brackets this project's default by about 3x either way, so a sweep shows whether the default sits on a
 * plateau or an edge.
 */
final class SweepGrid {

    private SweepGrid() {
    }

    /** Each loss of {@code losses} at every value of its grid; a loss without a grid (ce, geo-smooth) once. */
    static List<LossSpec> expand(List<LossSpec> losses) {
        List<LossSpec> expanded = new ArrayList<>();
        for (LossSpec loss : losses) {
            switch (loss.kind()) {
                case SOFT -> values("1", "2", "3", "5", "10").forEach(v -> expanded.add(with(loss, "sigma", v)));
                case EXPECTED -> values("0.003", "0.01", "0.03", "0.1").forEach(v -> expanded.add(with(loss, "lambda", v)));
                case RANKING, CE_RANKING ->
                        values("0.03", "0.1", "0.3", "1").forEach(v -> expanded.add(with(loss, "margin", v)));
                default -> expanded.add(loss);
            }
        }
        return expanded;
    }

    private static List<String> values(String... values) {
        return List.of(values);
    }

    /** The loss with one parameter replaced, through its canonical text so that every other setting stays. */
    private static LossSpec with(LossSpec loss, String parameter, String value) {
        String canonical = loss.toString().replaceFirst(parameter + "=[^,]*", parameter + "=" + value);
        return LossSpec.parse(canonical);
    }
}
