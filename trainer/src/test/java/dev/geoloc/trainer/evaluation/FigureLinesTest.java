package dev.geoloc.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class FigureLinesTest {

    @Test
    void everyMeasureShowsItsMedianAndEveryRadiusByItsOwnName() {
        String text = print(EvaluationAccumulatorTest.subKilometre(), Optional.empty());

        // errors to the photo 0.2, 0.4, 0.9 and 3.1 km
        assertThat(text).contains("Error, estimate to photo:         mean 1.15 km, median 0.65 km, @0.25km 25.00 %, "
                        + "@0.5km 50.00 %, @1km 75.00 %, @5km 100.00 %, @10km 100.00 %, @25km 100.00 %")
                .contains("Error, region centers (study):    mean 0.00 km, median 0.00 km, @0.25km 100.00 %, ")
                .doesNotContain("@0km");
    }

    @Test
    void withIntervalsEachRadiusHasOne() {
        Evaluation evaluation = EvaluationAccumulatorTest.subKilometre();

        String text = print(evaluation, Optional.of(EvaluationIntervals.of(evaluation, new LocationBootstrap(200, 1))));

        assertThat(text).containsPattern("Error, estimate to photo: +mean 1\\.15 \\[[0-9.]+, [0-9.]+\\] km, median 0\\.65 "
                + "\\[[0-9.]+, [0-9.]+\\] km, @0\\.25km 25\\.00 \\[[0-9.]+, [0-9.]+\\] %, @0\\.5km 50\\.00 \\[[0-9.]+, "
                + "[0-9.]+\\] %, @1km 75\\.00 \\[");
    }

    private static String print(Evaluation evaluation, Optional<EvaluationIntervals> intervals) {
        StringWriter text = new StringWriter();
        FigureLines.print(new PrintWriter(text, true), evaluation, intervals);
        return text.toString();
    }
}
