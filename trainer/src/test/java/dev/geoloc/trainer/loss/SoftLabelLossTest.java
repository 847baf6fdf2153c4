package dev.geoloc.trainer.loss;

import static dev.geoloc.trainer.loss.LineCatalog.D_AB;
import static dev.geoloc.trainer.loss.LineCatalog.D_AC;
import static dev.geoloc.trainer.loss.LineCatalog.D_BC;
import static dev.geoloc.trainer.loss.LineCatalog.logSoftmax;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.junit.jupiter.api.Test;

class SoftLabelLossTest extends LossTestBase {

    private static final double[] Z0 = {2, 1, 0.5};
    private static final double[] Z1 = {0.2, 0.4, 1.5};

    @Test
    void isCrossEntropyAgainstAGaussianKernelOverRegionDistances() {
        double twoSigmaSquared = 2 * 5.0 * 5.0;
        // sample 0, true region a: weights exp(−d²/2σ²) to a, b, c
        double a0 = 1;
        double b0 = Math.exp(-D_AB * D_AB / twoSigmaSquared);
        double c0 = Math.exp(-D_AC * D_AC / twoSigmaSquared);
        double first = -(a0 * logSoftmax(Z0, 0) + b0 * logSoftmax(Z0, 1) + c0 * logSoftmax(Z0, 2)) / (a0 + b0 + c0);
        // sample 1, true region b
        double a1 = Math.exp(-D_AB * D_AB / twoSigmaSquared);
        double b1 = 1;
        double c1 = Math.exp(-D_BC * D_BC / twoSigmaSquared);
        double second = -(a1 * logSoftmax(Z1, 0) + b1 * logSoftmax(Z1, 1) + c1 * logSoftmax(Z1, 2)) / (a1 + b1 + c1);

        SoftLabelLoss loss = new SoftLabelLoss(catalog, 5.0, DistanceFrom.REGION);

        assertThat(value(loss, regions(0, 1), logits(Z0, Z1))).isCloseTo((first + second) / 2, within(TOLERANCE));
    }

    @Test
    void becomesCrossEntropyAsSigmaGoesToZero() {
        NDList labels = regions(0, 1);
        NDArray logits = logits(Z0, Z1);

        double soft = value(new SoftLabelLoss(catalog, 1e-3, DistanceFrom.REGION), labels, logits);

        assertThat(soft).isCloseTo(value(new CrossEntropyLoss(catalog), labels, logits), within(1e-6));
    }

    @Test
    void gradientIsSoftmaxMinusTheSoftTarget() {
        double twoSigmaSquared = 2 * 5.0 * 5.0;
        double b = Math.exp(-D_AB * D_AB / twoSigmaSquared);
        double c = Math.exp(-D_AC * D_AC / twoSigmaSquared);
        double sum = Math.exp(2) + Math.exp(1) + Math.exp(0.5);

        float[][] gradient = gradient(new SoftLabelLoss(catalog, 5.0, DistanceFrom.REGION), regions(0), logits(Z0));

        assertThat(gradient[0][0]).isCloseTo((float) (Math.exp(2) / sum - 1 / (1 + b + c)), within(1e-6f));
        assertThat(gradient[0][1]).isCloseTo((float) (Math.exp(1) / sum - b / (1 + b + c)), within(1e-6f));
        assertThat(gradient[0][2]).isCloseTo((float) (Math.exp(0.5) / sum - c / (1 + b + c)), within(1e-6f));
    }

    @Test
    void refusesANonPositiveSigma() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SoftLabelLoss(catalog, 0, DistanceFrom.REGION))
                .withMessageContaining("sigma");
    }
}
