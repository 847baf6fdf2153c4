package dev.geoloc.trainer.loss;

import static dev.geoloc.trainer.loss.LineCatalog.D_AB;
import static dev.geoloc.trainer.loss.LineCatalog.D_AC;
import static dev.geoloc.trainer.loss.LineCatalog.D_BC;
import static dev.geoloc.trainer.loss.LineCatalog.logSoftmax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.training.loss.Loss;
import dev.geoloc.trainer.loss.GeoMarginRankingLoss.Reduction;
import org.junit.jupiter.api.Test;

class GeoMarginRankingLossTest extends LossTestBase {

    private static final double M = 0.1;
    /** True region a: z_a − z_b = 2 beats 0.1·6.95, but z_a − z_c = 0.5 falls short of 0.1·20.85. */
    private static final double[] Z0 = {2, 0, 1.5};
    /** True region b, below both others. */
    private static final double[] Z1 = {1, 0.5, 0.8};

    // sample 0: max(0, m·d(a,b) − (2 − 0)) = 0 and max(0, m·d(a,c) − (2 − 1.5))
    private static final double HINGE_0B = Math.max(0, M * D_AB - (2 - 0));
    private static final double HINGE_0C = M * D_AC - (2 - 1.5);
    // sample 1: max(0, m·d(b,a) − (0.5 − 1)) and max(0, m·d(b,c) − (0.5 − 0.8))
    private static final double HINGE_1A = M * D_AB - (0.5 - 1);
    private static final double HINGE_1C = M * D_BC - (0.5 - 0.8);

    @Test
    void averagesTheHingesOverTheOtherRegions() {
        double first = (HINGE_0B + HINGE_0C) / 2;
        double second = (HINGE_1A + HINGE_1C) / 2;

        GeoMarginRankingLoss loss = new GeoMarginRankingLoss(catalog, M, Reduction.MEAN, false);

        assertThat(HINGE_0B).isZero();
        assertThat(value(loss, regions(0, 1), logits(Z0, Z1))).isCloseTo((first + second) / 2, within(TOLERANCE));
    }

    @Test
    void sumsTheHingesWhenAskedTo() {
        double first = HINGE_0B + HINGE_0C;
        double second = HINGE_1A + HINGE_1C;

        GeoMarginRankingLoss loss = new GeoMarginRankingLoss(catalog, M, Reduction.SUM, false);

        assertThat(value(loss, regions(0, 1), logits(Z0, Z1))).isCloseTo((first + second) / 2, within(TOLERANCE));
    }

    @Test
    void theStudysRankingSpecIsTheHingeAlone() {
        double first = (HINGE_0B + HINGE_0C) / 2;
        double second = (HINGE_1A + HINGE_1C) / 2;

        Loss loss = Losses.create(LossSpec.parse("ranking"), catalog);

        assertThat(value(loss, regions(0, 1), logits(Z0, Z1))).isCloseTo((first + second) / 2, within(TOLERANCE));
    }

    @Test
    void ceRankingAddsCrossEntropyToTheHinge() {
        double first = -logSoftmax(Z0, 0) + (HINGE_0B + HINGE_0C) / 2;
        double second = -logSoftmax(Z1, 1) + (HINGE_1A + HINGE_1C) / 2;

        Loss loss = Losses.create(LossSpec.parse("ce+ranking"), catalog);

        assertThat(value(loss, regions(0, 1), logits(Z0, Z1))).isCloseTo((first + second) / 2, within(TOLERANCE));
    }

    @Test
    void isZeroWithZeroGradientWhenEveryMarginHolds() {
        // sample 0, true a: z_a − z_b = 4 > 0.1·6.95 and z_a − z_c = 5 > 0.1·20.85
        // sample 1, true c: z_c − z_a = 3 > 0.1·20.85 and z_c − z_b = 2 > 0.1·13.90
        GeoMarginRankingLoss loss = new GeoMarginRankingLoss(catalog, M, Reduction.MEAN, false);

        assertThat(value(loss, regions(0, 2), logits(new double[] {5, 1, 0}, new double[] {0, 1, 3}))).isZero();
        float[][] gradient = gradient(loss, regions(0, 2), logits(new double[] {5, 1, 0}, new double[] {0, 1, 3}));
        assertThat(gradient[0]).containsOnly(0f);
        assertThat(gradient[1]).containsOnly(0f);
    }

    @Test
    void gradientRaisesTheTrueLogitOncePerViolatedMargin() {
        // One sample, true b, both margins violated, summed: L = (m·d_ab − z_b + z_a) + (m·d_bc − z_b + z_c).
        GeoMarginRankingLoss loss = new GeoMarginRankingLoss(catalog, M, Reduction.SUM, false);

        float[][] gradient = gradient(loss, regions(1), logits(Z1));

        assertThat(gradient[0][0]).isCloseTo(1f, within(1e-6f));
        assertThat(gradient[0][1]).isCloseTo(-2f, within(1e-6f));
        assertThat(gradient[0][2]).isCloseTo(1f, within(1e-6f));
    }
}
