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

class GeoLabelSmoothingLossTest extends LossTestBase {

    private static final double[] Z0 = {2, 1, 0.5};
    private static final double[] Z2 = {0.2, 0.4, 1.5};

    @Test
    void mixesTheOneHotWithAnExponentialPriorThatIncludesTheTrueRegion() {
        // The study's defaults, epsilon = 0.1 and t = 10 km. The prior is normalised over every region, the true one
        // (d = 0, weight exp(0) = 1) included, as the study's code does.
        double epsilon = 0.1;
        double t = 10;
        // sample 0, true region a
        double pa = 1;
        double pb = Math.exp(-D_AB / t);
        double pc = Math.exp(-D_AC / t);
        double norm0 = pa + pb + pc;
        double qa = (1 - epsilon) + epsilon * pa / norm0;
        double qb = epsilon * pb / norm0;
        double qc = epsilon * pc / norm0;
        double first = -(qa * logSoftmax(Z0, 0) + qb * logSoftmax(Z0, 1) + qc * logSoftmax(Z0, 2));
        // sample 1, true region c
        double ra = Math.exp(-D_AC / t);
        double rb = Math.exp(-D_BC / t);
        double rc = 1;
        double norm2 = ra + rb + rc;
        double second = -(epsilon * ra / norm2 * logSoftmax(Z2, 0)
                + epsilon * rb / norm2 * logSoftmax(Z2, 1)
                + ((1 - epsilon) + epsilon * rc / norm2) * logSoftmax(Z2, 2));

        GeoLabelSmoothingLoss loss = new GeoLabelSmoothingLoss(catalog, 0.1, 10, DistanceFrom.REGION);

        assertThat(value(loss, regions(0, 2), logits(Z0, Z2))).isCloseTo((first + second) / 2, within(TOLERANCE));
    }

    @Test
    void isCrossEntropyWithoutSmoothing() {
        NDList labels = regions(0, 2);
        NDArray logits = logits(Z0, Z2);

        double smoothed = value(new GeoLabelSmoothingLoss(catalog, 0, 10, DistanceFrom.REGION), labels, logits);

        assertThat(smoothed).isCloseTo(value(new CrossEntropyLoss(catalog), labels, logits), within(1e-6));
    }

    @Test
    void refusesAnEpsilonOutsideTheUnitInterval() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GeoLabelSmoothingLoss(catalog, 1.5, 10, DistanceFrom.REGION))
                .withMessageContaining("epsilon");
    }
}
