package dev.geoloc.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.geoloc.regions.RegionCatalog;

class PlotsTest {

    @Test
    void theColourScaleRunsFromNearWhiteToDarkBlue() {
        assertThat(ConfusionPlot.colour(0)).isEqualTo(new Color(0xf7fbff));
        assertThat(ConfusionPlot.colour(1)).isEqualTo(new Color(0x08306b));
        assertThat(brightness(ConfusionPlot.colour(0.3))).isGreaterThan(brightness(ConfusionPlot.colour(0.6)));
    }

    @Test
    void aFifteenRegionHeatmapStaysSmallAndShowsTheDiagonal() {
        RegionCatalog catalog = RegionCatalog.losAngeles();
        EvaluationAccumulator accumulator = new EvaluationAccumulator(catalog);
        for (int region = 0; region < catalog.size(); region++) {
            accumulator.add("l", region, catalog.center(region), region, catalog.center(region));
        }

        BufferedImage image = ConfusionPlot.render(accumulator.result().confusion(), "all right");

        assertThat(image.getWidth()).isBetween(600, 1000);
        assertThat(image.getHeight()).isBetween(600, 1000);
        assertThat(countPixels(image, ConfusionPlot.colour(1))).as("dark diagonal cells").isGreaterThan(15 * 20 * 20);
    }

    @Test
    void theCdfDrawsOneLegendRowPerModelAndMeasure() {
        Map<String, Evaluation> models = new LinkedHashMap<>();
        models.put("one", EvaluationAccumulatorTest.fourImages());
        models.put("two", EvaluationAccumulatorTest.fourImages());

        BufferedImage single = ErrorCdfPlot.render(Map.of("one", models.get("one")), List.of(ErrorMeasure.REGION_CENTERS), "t");
        BufferedImage several = ErrorCdfPlot.render(models, List.of(ErrorMeasure.values()), "t");

        assertThat(several.getHeight() - single.getHeight()).isEqualTo(5 * 18);
        assertThatThrownBy(() -> ErrorCdfPlot.render(Map.of(), List.of(ErrorMeasure.PHOTO), "t"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theReliabilityDiagramDrawsABarForEachBinWithImages() {
        Calibration calibration = Calibration.of(CalibrationTest.fourForecasts()).orElseThrow();

        BufferedImage image = ReliabilityDiagram.render(calibration, "reliability");

        assertThat(image.getWidth()).isBetween(400, 800);
        assertThat(image.getHeight()).isBetween(500, 800);
        // two bins hold images: their accuracy bars (blue) show; the bars are a fifteenth of 440 px wide
        assertThat(countPixels(image, new Color(0x4e79a7))).isGreaterThan(2 * 20 * 100);
    }

    private static float brightness(Color c) {
        return Color.RGBtoHSB(c.getRed(), c.getGreen(), c.getBlue(), null)[2];
    }

    private static int countPixels(BufferedImage image, Color colour) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (colour.getRGB() & 0xFFFFFF)) {
                    count++;
                }
            }
        }
        return count;
    }
}
