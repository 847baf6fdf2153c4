package dev.geoloc.trainer.evaluation;

import static dev.geoloc.trainer.evaluation.LineCatalog.A;
import static dev.geoloc.trainer.evaluation.LineCatalog.B;
import static dev.geoloc.trainer.evaluation.LineCatalog.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class PairedComparisonTableTest {

    private static final LocationBootstrap BOOTSTRAP = new LocationBootstrap(200, 1);

    @Test
    void eachModelAgainstTheCeRowOfItsBackbone() {
        List<ResultsRow> rows = List.of(
                row("FT tiny (CE)", "tiny-cnn", "CE", false, 2),
                row("FT tiny (Same)", "tiny-cnn", "Same", false, 2),
                row("FT tiny (Right)", "tiny-cnn", "Right", true, 2),
                row("Zero-shot tiny", "tiny-cnn", ModelDescription.NO_LOSS, true, 1),
                row("FT vit (Ranking)", "tiny-vit", "Ranking", true, 2));

        String table = PairedComparisonTable.markdown(rows, "CE", BOOTSTRAP);

        assertThat(table).startsWith("| Model | Baseline | Runs | Δ Accuracy (points) | Excludes 0 | Δ Mean Error, "
                        + "region centers (study) (km) | Excludes 0 | Δ Mean Error, estimate to photo (km) | Excludes 0 |\n")
                .contains("| FT tiny (Same) | FT tiny (CE) | 2 | 0.00 [0.00, 0.00] | no | 0.00 [0.00, 0.00] | no "
                        + "| 0.00 [0.00, 0.00] | no |")
                .contains("| FT tiny (Right) | FT tiny (CE) | 2 | 100.00 [100.00, 100.00] | yes | -11.12 [-11.12, -11.12] "
                        + "| yes | -11.12 [-11.12, -11.12] | yes |")
                .contains("| Zero-shot tiny | FT tiny (CE) | 1 × 2 | 100.00 [100.00, 100.00] | yes |")
                .contains("(200 resamples)")
                .doesNotContain("| FT tiny (CE) | FT tiny (CE)")
                .doesNotContain("FT vit (Ranking)");
    }

    @Test
    void runsThatCannotBePairedAreSaidSoAndNoBaselineIsSaidSo() {
        List<ResultsRow> rows = List.of(row("CE", "tiny-cnn", "CE", false, 3), row("Soft", "tiny-cnn", "Soft", true, 2));

        assertThat(PairedComparisonTable.markdown(rows, "CE", BOOTSTRAP))
                .contains("| Soft | CE | not paired: 2 against 3 | – | – | – | – | – | – |");
        assertThat(PairedComparisonTable.markdown(List.of(rows.get(1)))).isEqualTo(
                "No model has a CE row of its backbone to be compared with.\n");
    }

    @Test
    void differentTestImagesFail() {
        ResultsRow other = ResultsRow.of(new ModelDescription("Other", "tiny-cnn", "Soft"),
                EvaluationAccumulatorTest.fourImages());

        assertThatThrownBy(() -> PairedComparisonTable.markdown(List.of(row("CE", "tiny-cnn", "CE", false, 1), other),
                "CE", BOOTSTRAP)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not the same test images");
    }

    /** Runs on two one-photo locations, right on both or wrong on both (A for B and B for A, 0.1 degrees apart). */
    private static ResultsRow row(String name, String backbone, String loss, boolean right, int runs) {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        accumulator.add("a", A, at(0), right ? A : B, at(right ? 0 : 0.1));
        accumulator.add("b", B, at(0.1), right ? B : A, at(right ? 0.1 : 0));
        Evaluation evaluation = accumulator.result();
        return new ResultsRow(new ModelDescription(name, backbone, loss), java.util.Collections.nCopies(runs, evaluation));
    }
}
