package dev.geoloc.trainer.loss;

import static dev.geoloc.trainer.loss.LineCatalog.D_AB;
import static dev.geoloc.trainer.loss.LineCatalog.D_AC;
import static dev.geoloc.trainer.loss.LineCatalog.D_BC;
import static dev.geoloc.trainer.loss.LineCatalog.logSoftmax;
import static dev.geoloc.trainer.loss.LineCatalog.softmax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExpectedDistanceLossTest extends LossTestBase {

    private static final double[] Z0 = {2, 1, 0.5};
    private static final double[] Z1 = {0.2, 0.4, 1.5};

    @Test
    void addsLambdaTimesTheExpectedDistanceToCrossEntropy() {
        double lambda = 0.01;
        // sample 0, true region a: expected km = p_b·d(a,b) + p_c·d(a,c)
        double first = -logSoftmax(Z0, 0) + lambda * (softmax(Z0, 1) * D_AB + softmax(Z0, 2) * D_AC);
        // sample 1, true region b: expected km = p_a·d(b,a) + p_c·d(b,c)
        double second = -logSoftmax(Z1, 1) + lambda * (softmax(Z1, 0) * D_AB + softmax(Z1, 2) * D_BC);

        ExpectedDistanceLoss loss = new ExpectedDistanceLoss(catalog, lambda, DistanceFrom.REGION);

        assertThat(value(loss, regions(0, 1), logits(Z0, Z1))).isCloseTo((first + second) / 2, within(TOLERANCE));
    }

    @Test
    void gradientAddsLambdaTimesProbabilityTimesDistanceAboveTheExpectation() {
        // d/dz_k Σ_j p_j·d_j = p_k·(d_k − Σ_j p_j·d_j); the cross entropy part is p_k − onehot_k.
        // One sample, y = a.
        double lambda = 0.05;
        double[] p = {softmax(Z0, 0), softmax(Z0, 1), softmax(Z0, 2)};
        double[] d = {0, D_AB, D_AC};
        double expected = p[0] * d[0] + p[1] * d[1] + p[2] * d[2];

        float[][] gradient = gradient(new ExpectedDistanceLoss(catalog, lambda, DistanceFrom.REGION), regions(0),
                logits(Z0));

        assertThat(gradient[0][0]).isCloseTo((float) (p[0] - 1 + lambda * p[0] * (d[0] - expected)), within(1e-5f));
        assertThat(gradient[0][1]).isCloseTo((float) (p[1] + lambda * p[1] * (d[1] - expected)), within(1e-5f));
        assertThat(gradient[0][2]).isCloseTo((float) (p[2] + lambda * p[2] * (d[2] - expected)), within(1e-5f));
    }
}
