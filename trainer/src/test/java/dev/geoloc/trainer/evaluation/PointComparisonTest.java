package dev.geoloc.trainer.evaluation;

import static dev.geoloc.trainer.evaluation.LineCatalog.A;
import static dev.geoloc.trainer.evaluation.LineCatalog.KM_PER_DEGREE;
import static dev.geoloc.trainer.evaluation.LineCatalog.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;


class PointComparisonTest {

    @Test
    void everyStageShowsItsMedianAndEveryRadiusAndTheServedOneIsPairedWithEachCoarser() {
        // the same four photos of A, 0.2, 0.4, 0.9 and 3.1 km east of its center: refined to the center, placed by the
        // cell head 1 km east of it, and at a region-level point 5 km east of it (errors 4.8, 4.6, 4.1 and 1.9 km)
        Map<PointStage, Evaluation> stages = new EnumMap<>(PointStage.class);
        stages.put(PointStage.RETRIEVAL, placedAt(0));
        stages.put(PointStage.CELL, placedAt(1));
        stages.put(PointStage.REGION, placedAt(5));
        PointComparison comparison = new PointComparison(PointStage.RETRIEVAL, "5 neighbours", stages);
        StringWriter text = new StringWriter();

        comparison.print(new PrintWriter(text, true));

        assertThat(text.toString())
                .contains("answered: refined by retrieval, 5 neighbours")
                .contains("  refined by retrieval, as served    mean 1.15 km, median 0.65 km, @0.25km 25.0 %, "
                        + "@0.5km 50.0 %, @1km 75.0 %, @5km 100.0 %, @10km 100.0 %, @25km 100.0 %")
                .contains("  region-level estimate              mean 3.85 km, median 4.35 km, @0.25km 0.0 %, @0.5km 0.0 %, "
                        + "@1km 0.0 %, @5km 100.0 %, @10km 100.0 %, @25km 100.0 %")
                .contains("  cell head's point ")
                .containsPattern("served minus region-level estimate \\[95 % paired bootstrap over locations\\]: "
                        + "mean -2\\.70 \\[[-0-9.]+, [-0-9.]+\\] km, median -3\\.70 \\[[-0-9.]+, [-0-9.]+\\] km, "
                        + "@0\\.25km 25\\.0 \\[")
                .contains("served minus cell head's point");
        assertThat(text.toString().indexOf("refined by retrieval, as served"))
                .as("finest first").isLessThan(text.toString().indexOf("cell head's point"));
    }

    @Test
    void aComparisonNeedsTheServedStageAndACoarserOne() {
        assertThatThrownBy(() -> new PointComparison(PointStage.CELL, "", Map.of(PointStage.CELL, placedAt(0))))
                .hasMessageContaining("a coarser one");
    }

    private static Evaluation placedAt(double estimateKmEast) {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        for (double km : new double[] {0.2, 0.4, 0.9, 3.1}) {
            accumulator.add("p" + km, A, at(km / KM_PER_DEGREE), A, at(estimateKmEast / KM_PER_DEGREE));
        }
        return accumulator.result();
    }
}
