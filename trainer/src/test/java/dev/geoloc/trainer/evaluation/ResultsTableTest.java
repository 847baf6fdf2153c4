package dev.geoloc.trainer.evaluation;

import static dev.geoloc.trainer.evaluation.LineCatalog.B;
import static dev.geoloc.trainer.evaluation.LineCatalog.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class ResultsTableTest {

    private static final ModelDescription MODEL = new ModelDescription("FT tiny (CE)", "tiny-cnn", "CE");

    @Test
    void aSingleRunInTheStudysFormatWithTheMedianAndTheFinerRadii() {
        String table = ResultsTable.markdown(List.of(ResultsRow.of(MODEL, EvaluationAccumulatorTest.fourImages())),
                ErrorMeasure.REGION_CENTERS, null);

        assertThat(table).isEqualTo("""
                | Model | Backbone | Loss | Accuracy (%) | Mean Error (km) | Median Error (km) \
                | Acc@0.25km | Acc@0.5km | Acc@1km | Acc@5km | Acc@10km | Acc@25km |
                |---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
                | FT tiny (CE) | tiny-cnn | CE | 50.00 | 11.12 | 5.56 | 50.00 | 50.00 | 50.00 | 50.00 | 50.00 | 75.00 |
                """);
    }

    @Test
    void theFinerRadiiCountPhotosWithinAQuarterAndHalfAKilometre() {
        String row = ResultsTable.row(ResultsRow.of(MODEL, EvaluationAccumulatorTest.subKilometre()), ErrorMeasure.PHOTO,
                null);

        // errors to the photo 0.2, 0.4, 0.9 and 3.1 km
        assertThat(row).isEqualTo(
                "| FT tiny (CE) | tiny-cnn | CE | 100.00 | 1.15 | 0.65 | 25.00 | 50.00 | 75.00 | 100.00 | 100.00 | 100.00 |");
    }

    @Test
    void severalSeedsShowMeanAndSampleStandardDeviation() {
        ResultsRow row = new ResultsRow(MODEL, List.of(EvaluationAccumulatorTest.fourImages(), allRight()));

        assertThat(ResultsTable.row(row, ErrorMeasure.REGION_CENTERS, null)).isEqualTo(
                "| FT tiny (CE) | tiny-cnn | CE | 75.00 ± 35.36 | 5.56 ± 7.86 | 2.78 ± 3.93 | 75.00 ± 35.36 "
                        + "| 75.00 ± 35.36 | 75.00 ± 35.36 | 75.00 ± 35.36 | 75.00 ± 35.36 | 87.50 ± 17.68 |");
    }

    @Test
    void theOtherMeasuresFillTheSameColumns() {
        String row = ResultsTable.row(ResultsRow.of(MODEL, EvaluationAccumulatorTest.fourImages()), ErrorMeasure.PHOTO, null);

        // photo errors 0, 0.005, 0.1 and 0.15 degrees of longitude (0, 0.56, 11.12, 16.68 km): mean 7.09 km, median
        // 5.84 km, one within 0.5 km, all within 25 km
        assertThat(row).isEqualTo(
                "| FT tiny (CE) | tiny-cnn | CE | 50.00 | 7.09 | 5.84 | 25.00 | 25.00 | 50.00 | 50.00 | 50.00 | 100.00 |");
    }

    @Test
    void cellsShowTheMeanAndItsIntervalAndTheSeedsSpreadFollows() {
        Evaluation four = EvaluationAccumulatorTest.fourImages();
        ResultsRow seeds = new ResultsRow(new ModelDescription("Two seeds", "tiny-cnn", "CE"), List.of(four, four));
        ResultsRow perfect = ResultsRow.of(MODEL, allRight());

        String table = ResultsTable.markdown(List.of(perfect, seeds));

        assertThat(table).startsWith(ResultsTable.HEADER + "\n" + ResultsTable.ALIGNMENT + "\n")
                .contains("| FT tiny (CE) | tiny-cnn | CE | 100.00 [100.00, 100.00] | 0.00 [0.00, 0.00] | 0.00 [0.00, 0.00] "
                        + "| 100.00 [100.00, 100.00] |")
                .containsPattern("\\| Two seeds \\| tiny-cnn \\| CE \\| 50\\.00 \\[\\d+\\.\\d\\d, \\d+\\.\\d\\d\\] \\| 11\\.12 \\[")
                .contains(ResultsTable.caption(LocationBootstrap.DEFAULT))
                .contains("Standard deviation over seeds, accuracy (points) / mean error (km): Two seeds 0.00 / 0.00 (2 runs).");
        assertThat(ResultsTable.caption(new LocationBootstrap(300, 1))).contains("(300 resamples)");
        // the interval holds the seed mean; two identical runs add no seed variance to the location bootstrap's
        BootstrapEstimate accuracy = LocationBootstrap.DEFAULT.seedMean(seeds.runs(), e -> 100 * e.accuracy());
        assertThat(accuracy.interval().low()).isLessThan(50).isGreaterThanOrEqualTo(0);
        assertThat(accuracy.interval().high()).isGreaterThan(50).isLessThanOrEqualTo(100);
        assertThat(table).contains(accuracy.format(1, 2));
    }

    @Test
    void cellsEscapePipesAndLineBreaks() {
        ModelDescription odd = new ModelDescription("a|b\nc", "x", ModelDescription.NO_LOSS);

        assertThat(ResultsTable.row(ResultsRow.of(odd, allRight()), ErrorMeasure.REGION_CENTERS, null))
                .startsWith("| a\\|b c | x | N/A | 100.00 | 0.00 | 0.00 |");
    }

    @Test
    void spreadOfOneRunHasNoPlusMinus() {
        assertThat(Spread.of(83.7).format()).isEqualTo("83.70");
        Spread spread = Spread.of(1, 2, 3, 4);
        assertThat(spread.mean()).isEqualTo(2.5);
        assertThat(spread.std()).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12));
        assertThat(spread.format()).isEqualTo("2.50 ± 1.29");
    }

    private static Evaluation allRight() {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        accumulator.add("l", B, at(0.1), B, at(0.1));
        return accumulator.result();
    }
}
