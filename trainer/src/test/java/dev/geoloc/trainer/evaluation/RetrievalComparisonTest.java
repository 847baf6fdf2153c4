package dev.geoloc.trainer.evaluation;

import static dev.geoloc.trainer.evaluation.LineCatalog.A;
import static dev.geoloc.trainer.evaluation.LineCatalog.KM_PER_DEGREE;
import static dev.geoloc.trainer.evaluation.LineCatalog.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import dev.geoloc.retrieval.Retrieval;

class RetrievalComparisonTest {

    @Test
    void bothPlacementsShowTheirMedianAndEveryRadius() {
        // the same four photos of A, 0.2, 0.4, 0.9 and 3.1 km east of its center: refined to the center, and at a
        // region-level point 5 km east of it (errors 4.8, 4.6, 4.1 and 1.9 km)
        RetrievalComparison comparison = new RetrievalComparison(new Retrieval(5, 0.8, 1), placedAt(0),
                placedAt(5));
        StringWriter text = new StringWriter();

        comparison.print(new PrintWriter(text, true));

        assertThat(text.toString())
                .contains("  refined, as served     mean 1.15 km, median 0.65 km, @0.25km 25.0 %, @0.5km 50.0 %, "
                        + "@1km 75.0 %, @5km 100.0 %, @10km 100.0 %, @25km 100.0 %")
                .contains("  region-level estimate  mean 3.85 km, median 4.35 km, @0.25km 0.0 %, @0.5km 0.0 %, "
                        + "@1km 0.0 %, @5km 100.0 %, @10km 100.0 %, @25km 100.0 %")
                .containsPattern("refined minus region-level \\[95 % paired bootstrap over locations\\]: mean -2\\.70 "
                        + "\\[[-0-9.]+, [-0-9.]+\\] km, median -3\\.70 \\[[-0-9.]+, [-0-9.]+\\] km, @0\\.25km 25\\.0 \\[");
    }

    private static Evaluation placedAt(double estimateKmEast) {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        for (double km : new double[] {0.2, 0.4, 0.9, 3.1}) {
            accumulator.add("p" + km, A, at(km / KM_PER_DEGREE), A, at(estimateKmEast / KM_PER_DEGREE));
        }
        return accumulator.result();
    }
}
