package dev.geoloc.trainer.evaluation;

import static dev.geoloc.trainer.evaluation.FusedLocationsTest.sure;
import static dev.geoloc.trainer.evaluation.LineCatalog.A;
import static dev.geoloc.trainer.evaluation.LineCatalog.B;
import static dev.geoloc.trainer.evaluation.LineCatalog.CATALOG;
import static dev.geoloc.trainer.evaluation.LineCatalog.KM_PER_DEGREE;
import static dev.geoloc.trainer.evaluation.LineCatalog.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.geoloc.regions.LocationEstimator;
import dev.geoloc.trainer.compare.Interval;

class FusionComparisonTest {

    private static final double K = KM_PER_DEGREE;

    /**
     * Location a (of A): three views sure of A, one of B, so A once fused; location b (of B): four views sure of A,
     * so A. Single photos: 3 of 8 right, mean centre-to-centre error 5 · 0.1K / 8 = 0.0625K; fused: 1 of 2, 0.05K.
     * Accuracy +12.5 points (target met), centre error −20 % (target of −30 % missed).
     */
    static FusedLocations twoLocations() {
        EvaluationAccumulator images = new EvaluationAccumulator(CATALOG);
        for (int view = 0; view < 4; view++) {
            images.add("a", A, at(0), sure(view < 3 ? A : B));
            images.add("b", B, at(0.1), sure(A));
        }
        return FusedLocations.of(images.result(), CATALOG, new LocationEstimator(CATALOG, 0.9));
    }

    @Test
    void gainsAndTargetsByHandWithoutIntervals() {
        FusionComparison comparison = FusionComparison.of(twoLocations(), "single photos", Optional.empty());

        assertThat(comparison.locations().single().accuracy()).isEqualTo(0.375);
        assertThat(comparison.locations().fused().accuracy()).isEqualTo(0.5);
        assertThat(comparison.accuracyGain().estimate()).isEqualTo(0.125);
        assertThat(comparison.accuracyGain().interval()).isEmpty();
        assertThat(comparison.meanErrorChange().get(ErrorMeasure.REGION_CENTERS).estimate()).isCloseTo(-0.2, within(1e-12));
        FusedLocations locations = comparison.locations();
        assertThat(comparison.meanErrorChange().get(ErrorMeasure.PHOTO).estimate()).isCloseTo(
                locations.fused().distance(ErrorMeasure.PHOTO).meanKm()
                        / locations.single().distance(ErrorMeasure.PHOTO).meanKm() - 1, within(1e-12));
        assertThat(comparison.photoMedianErrorChange().estimate()).isCloseTo(
                locations.fused().distance(ErrorMeasure.PHOTO).medianKm()
                        / locations.single().distance(ErrorMeasure.PHOTO).medianKm() - 1, within(1e-12));
        assertThat(comparison.photoMedianErrorChange().interval()).isEmpty();
        assertThat(comparison.intervals()).isEmpty();
        assertThat(comparison.targets()).extracting(FusionComparison.Target::verdict).containsExactly("met", "missed");
        assertThat(comparison.targets()).extracting(FusionComparison.Target::metByWholeInterval)
                .containsExactly(Optional.empty(), Optional.empty());
    }

    /**
     * Draws of the two locations: (a, a) a quarter of the time, accuracy +25 points and centre error −100 %;
     * (a, b) or (b, a) half, +12.5 and −20 %; (b, b) a quarter, no change. So the percentile intervals are the
     * extremes: [0, +25] points and [−100 %, 0].
     */
    @Test
    void theChangesIntervalsComeFromLocationsDrawnForBoth() {
        FusionComparison comparison = FusionComparison.of(twoLocations(), "single photos",
                Optional.of(new LocationBootstrap(2000, 1)));

        Interval gain = comparison.accuracyGain().interval().orElseThrow();
        assertThat(gain.low()).isZero();
        assertThat(gain.high()).isEqualTo(0.25);
        Interval centers = comparison.meanErrorChange().get(ErrorMeasure.REGION_CENTERS).interval().orElseThrow();
        assertThat(centers.low()).isEqualTo(-1.0);
        assertThat(centers.high()).isCloseTo(0, within(1e-12));
        // the fused answers' own figures, resampled over their locations
        assertThat(comparison.intervals().orElseThrow().locations()).isEqualTo(2);
        assertThat(comparison.intervals().orElseThrow().accuracy().interval()).isEqualTo(new Interval(0, 1));
        assertThat(comparison.targets()).extracting(FusionComparison.Target::verdict).containsExactly(
                "met by the estimate, not by its whole 95 % interval", "missed");
    }

    @Test
    void printsTheFusedFiguresTheChangesAndTheTargets() {
        FusionComparison comparison = FusionComparison.of(twoLocations(), "single photos",
                Optional.of(new LocationBootstrap(2000, 1)));
        StringWriter text = new StringWriter();

        comparison.print(new PrintWriter(text, true));

        assertThat(text.toString())
                .contains("Per location (2 locations, views fused: mean log-probability)")
                .contains("views per location: min 4, median 4, max 4")
                .contains("[95 % intervals: bootstrap of the 2 locations, 2000 resamples, seed 1]")
                .contains("Accuracy 50.00 [0.00, 100.00] %")
                .contains("Error, region centers (study):", "Calibration: ECE ", "Expected error, estimate to photo:")
                .contains("Fused against single photos [95 % paired bootstrap over the same locations, 2000 resamples]:")
                .containsPattern("accuracy +37\\.50 % ->  50\\.00 %, \\+12\\.5 \\[\\+0\\.0, \\+25\\.0\\] points")
                .containsPattern("mean error, region centers \\(study\\) +6\\.95 km ->  5\\.56 km, -20 \\[-100, [+-]0\\] %")
                .containsPattern("mean error, estimate to photo +\\d+\\.\\d\\d km -> +\\d+\\.\\d\\d km, [+-]\\d+ \\[")
                .containsPattern("median error, estimate to photo +\\d+\\.\\d\\d km -> +\\d+\\.\\d\\d km, [+-]\\d+ \\[")
                .contains("Targets: accuracy at least +6 points: met by the estimate, not by its whole 95 % interval; "
                        + "centre-to-centre mean error at least 30 % lower: missed");
    }

    @Test
    void theReportsJsonAndMarkdownCarryThePerLocationFigures() throws IOException {
        FusionComparison comparison = FusionComparison.of(twoLocations(), "single photos",
                Optional.of(new LocationBootstrap(500, 3)));
        Evaluation single = comparison.locations().single();
        EvaluationReport report = new EvaluationReport(new ModelDescription("m", "tiny-cnn", "CE"), null, "d", "test",
                "grouped (seed 1)", List.of(), single, Optional.empty(), Optional.of(comparison));

        JsonNode json = new ObjectMapper().readTree(report.toJson());

        // the top level is the single photos' as before
        assertThat(json.at("/samples").asInt()).isEqualTo(8);
        assertThat(json.at("/accuracy").asDouble()).isEqualTo(0.375);
        JsonNode perLocation = json.at("/per_location");
        assertThat(perLocation.at("/locations").asInt()).isEqualTo(2);
        assertThat(perLocation.at("/single_images").asInt()).isEqualTo(8);
        assertThat(perLocation.at("/views").toString()).isEqualTo("{\"min\":4,\"median\":4.0,\"max\":4}");
        // the fused answers' figures under the top level's names
        assertThat(perLocation.at("/samples").asInt()).isEqualTo(2);
        assertThat(perLocation.at("/accuracy").asDouble()).isEqualTo(0.5);
        assertThat(perLocation.at("/errors_km/region_centers/mean").asDouble()).isCloseTo(0.05 * K, within(1e-9));
        assertThat(perLocation.at("/bootstrap/resamples").asInt()).isEqualTo(500);
        assertThat(perLocation.at("/bootstrap/accuracy").toString()).isEqualTo("[0.0,1.0]");
        assertThat(perLocation.at("/calibration/available").asBoolean()).isTrue();
        // and the comparison
        JsonNode versus = perLocation.at("/versus_single");
        assertThat(versus.at("/seed").asLong()).isEqualTo(3);
        assertThat(versus.at("/single/accuracy").asDouble()).isEqualTo(0.375);
        assertThat(versus.at("/single/mean_error_km/region_centers").asDouble()).isCloseTo(0.0625 * K, within(1e-9));
        assertThat(versus.at("/accuracy_gain/estimate").asDouble()).isEqualTo(0.125);
        assertThat(versus.at("/accuracy_gain/interval").toString()).isEqualTo("[0.0,0.25]");
        assertThat(versus.at("/mean_error_change/region_centers/estimate").asDouble()).isCloseTo(-0.2, within(1e-12));
        assertThat(versus.at("/mean_error_change/photo/interval").size()).isEqualTo(2);
        assertThat(versus.at("/single/median_error_km/photo").asDouble())
                .isEqualTo(single.distance(ErrorMeasure.PHOTO).medianKm());
        assertThat(versus.at("/median_error_change/photo/estimate").asDouble())
                .isEqualTo(comparison.photoMedianErrorChange().estimate());
        assertThat(versus.at("/median_error_change/photo/interval").size()).isEqualTo(2);
        assertThat(versus.at("/targets/accuracy_gain").toString())
                .isEqualTo("{\"at_least\":0.06,\"met\":true,\"met_by_whole_interval\":false}");
        assertThat(versus.at("/targets/region_centers_mean_error_change").toString())
                .isEqualTo("{\"at_most\":-0.3,\"met\":false,\"met_by_whole_interval\":false}");

        assertThat(report.toMarkdown())
                .contains("## Per location: views fused", "2 locations (views per location: min 4, median 4, max 4)")
                .contains("### Fused against single photos")
                .contains("| Accuracy (%) | 37.50 | 50.00 | +12.5 [+0.0, +25.0] points | accuracy at least +6 points "
                        + "| met by the estimate, not by its whole 95 % interval |")
                .containsPattern("\\| Mean error, region centers \\(study\\) \\(km\\) \\| 6\\.95 \\| 5\\.56 \\| -20 "
                        + "\\[-100, [+-]0\\] % \\| centre-to-centre mean error at least 30 % lower \\| missed \\|")
                .contains(String.format(Locale.ROOT, "| Median error, estimate to photo (km) | %.2f | %.2f | ",
                        single.distance(ErrorMeasure.PHOTO).medianKm(),
                        comparison.locations().fused().distance(ErrorMeasure.PHOTO).medianKm()))
                .containsPattern("\\| Median error, estimate to photo \\(km\\) \\| [0-9.]+ \\| [0-9.]+ \\| [+-]\\d+ "
                        + "\\[[+-]\\d+, [+-]\\d+\\] % \\| – \\| – \\|");
        ObjectNode withoutFusion = (ObjectNode) new ObjectMapper().readTree(new EvaluationReport(report.model(), null,
                "d", "test", "grouped (seed 1)", List.of(), single, Optional.empty()).toJson());
        assertThat(withoutFusion.has("per_location")).isFalse();
    }
}
