package dev.geoloc.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.geoloc.model.BundleCalibration;

class TemperatureFitTest {

    private static final int REGIONS = 15;

    @Test
    void theNllIsTheMeanNegativeLogProbabilityOfTheTruthAtTheTemperature() {
        // one image, logits (0, ln 3): p(second) = 3/4 at T = 1; at T = 2 the logits halve, p = √3 / (1 + √3)
        LabelledLogits one = new LabelledLogits(new float[] {0, (float) Math.log(3)}, new int[] {1}, 2);

        assertThat(one.nll(1)).isCloseTo(Math.log(4.0 / 3), within(1e-6));
        assertThat(one.nll(2)).isCloseTo(-Math.log(Math.sqrt(3) / (1 + Math.sqrt(3))), within(1e-6));
    }

    @Test
    void recoversTheTemperatureOfOverConfidentLogits() {
        // Labels drawn from softmax(z): z is calibrated. A model that outputs 2.5 z is over-confident by T = 2.5.
        LabelledLogits overConfident = drawn(20_000, 2.5, 1);

        TemperatureFit fit = TemperatureFit.of(overConfident);

        assertThat(fit.temperature()).isCloseTo(2.5, within(0.1));
        assertThat(fit.nllAfter()).isLessThan(fit.nllBefore());
        assertThat(fit.nllAfter()).isEqualTo(overConfident.nll(fit.temperature()));
        assertThat(overConfident.nll(fit.temperature() * 1.1)).isGreaterThan(fit.nllAfter());
        assertThat(overConfident.nll(fit.temperature() / 1.1)).isGreaterThan(fit.nllAfter());
    }

    @Test
    void recoversTheTemperatureOfUnderConfidentLogits() {
        TemperatureFit fit = TemperatureFit.of(drawn(20_000, 0.4, 2));

        assertThat(fit.temperature()).isCloseTo(0.4, within(0.02));
        assertThat(fit.nllAfter()).isLessThan(fit.nllBefore());
    }

    @Test
    void imagesAllRightAndCertainSharpenToTheRangesEdge() {
        float[] logits = new float[2 * REGIONS];
        logits[3] = 10;
        logits[REGIONS + 7] = 10;

        TemperatureFit fit = TemperatureFit.of(new LabelledLogits(logits, new int[] {3, 7}, REGIONS));

        assertThat(fit.temperature()).isCloseTo(BundleCalibration.MIN_TEMPERATURE, within(1e-3));
        assertThat(fit.nllAfter()).isLessThan(1e-9);
    }

    @Test
    void noImagesCannotBeFitted() {
        assertThatThrownBy(() -> TemperatureFit.of(new LabelledLogits(new float[0], new int[0], REGIONS)))
                .hasMessageContaining("no images");
    }

    /** Calibrated logits z ~ N(0, 2²) per region, labels drawn from softmax(z), handed out as temperature x z. */
    private static LabelledLogits drawn(int images, double temperature, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] logits = new float[images * REGIONS];
        int[] labels = new int[images];
        double[] p = new double[REGIONS];
        for (int i = 0; i < images; i++) {
            double sum = 0;
            for (int j = 0; j < REGIONS; j++) {
                double z = 2 * gaussian(random);
                logits[i * REGIONS + j] = (float) (temperature * z);
                p[j] = Math.exp(z);
                sum += p[j];
            }
            double u = random.nextDouble() * sum;
            int label = 0;
            while (label < REGIONS - 1 && (u -= p[label]) > 0) {
                label++;
            }
            labels[i] = label;
        }
        return new LabelledLogits(logits, labels, REGIONS);
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
