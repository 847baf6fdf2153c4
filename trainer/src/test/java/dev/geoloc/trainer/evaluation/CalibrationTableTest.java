package dev.geoloc.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class CalibrationTableTest {

    @Test
    void oneRowPerModelWithMeansOverRunsAndIntervals() {
        Evaluation forecasts = Evaluation.of(List.of("a", "b", "c"), List.of("A", "B", "C"), CalibrationTest.fourForecasts());
        ResultsRow twoSeeds = new ResultsRow(new ModelDescription("Calibrated", "tiny-cnn", "CE"),
                List.of(forecasts, forecasts));
        ResultsRow regionsOnly = ResultsRow.of(new ModelDescription("No probabilities", "tiny-cnn", "Soft"),
                EvaluationAccumulatorTest.fourImages());

        String table = CalibrationTable.markdown(List.of(twoSeeds, regionsOnly), null);

        // CalibrationTest's hand-computed figures: ECE .45, Brier .6225, Spearman √.9, ratios 11/9 and 1, coverage ½ and ¾
        double nll = -(Math.log(0.9) + Math.log(0.05) + 2 * Math.log(0.5)) / 4;
        assertThat(table).startsWith("| Model | Runs | ECE (%) | NLL | Brier | Spearman, estimate to true center | Ratio, "
                        + "estimate to true center | Coverage 90 %, estimate to true center | Spearman, estimate to photo | "
                        + "Ratio, estimate to photo | Coverage 90 %, estimate to photo |")
                .contains(String.format(java.util.Locale.ROOT, "| Calibrated | 2 | 45.00 | %.2f | 0.62 | 0.95 | 1.22 | 50.00 "
                        + "| 0.95 | 1.00 | 75.00 |", nll))
                .contains("| No probabilities | 1 | n/a | n/a |")
                .contains("n/a: the model's probabilities were not kept");
        assertThat(CalibrationTable.markdown(List.of(twoSeeds), new LocationBootstrap(100, 1)))
                .containsPattern("\\| Calibrated \\| 2 \\| 45\\.00 \\[[0-9.]+, [0-9.]+\\] \\|")
                .contains("ECE and coverage [95 % interval] by a bootstrap (100 resamples)")
                .doesNotContain("n/a");
    }
}
