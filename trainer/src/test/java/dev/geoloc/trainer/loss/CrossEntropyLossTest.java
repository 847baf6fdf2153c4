package dev.geoloc.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import org.junit.jupiter.api.Test;

class CrossEntropyLossTest extends LossTestBase {

    private final CrossEntropyLoss loss = new CrossEntropyLoss(catalog);

    @Test
    void isMinusTheLogSoftmaxOfTheTrueRegionAveragedOverTheBatch() {
        double first = -(2 - Math.log(Math.exp(2) + Math.exp(1) + Math.exp(0.5)));
        double second = -(1.5 - Math.log(Math.exp(0.2) + Math.exp(0.4) + Math.exp(1.5)));

        double value = value(loss, regions(0, 2), logits(new double[] {2, 1, 0.5}, new double[] {0.2, 0.4, 1.5}));

        assertThat(value).isCloseTo((first + second) / 2, within(TOLERANCE));
    }

    @Test
    void agreesWithDjlsSoftmaxCrossEntropy() {
        NDArray logits = logits(new double[] {-1, 3, 0.25}, new double[] {0.7, 0.7, -2});
        NDList labels = regions(1, 0);

        double djl = value(new SoftmaxCrossEntropyLoss(), labels, logits);

        assertThat(value(loss, labels, logits)).isCloseTo(djl, within(TOLERANCE));
    }

    @Test
    void gradientIsSoftmaxMinusOneHotOverTheBatchSize() {
        double[] z0 = {2, 1, 0.5};
        double[] z1 = {0.2, 0.4, 1.5};
        double sum0 = Math.exp(2) + Math.exp(1) + Math.exp(0.5);
        double sum1 = Math.exp(0.2) + Math.exp(0.4) + Math.exp(1.5);

        float[][] gradient = gradient(loss, regions(0, 2), logits(z0, z1));

        // (softmax − onehot) / B, with B = 2
        assertThat(gradient[0][0]).isCloseTo((float) ((Math.exp(2) / sum0 - 1) / 2), within(1e-6f));
        assertThat(gradient[0][1]).isCloseTo((float) (Math.exp(1) / sum0 / 2), within(1e-6f));
        assertThat(gradient[0][2]).isCloseTo((float) (Math.exp(0.5) / sum0 / 2), within(1e-6f));
        assertThat(gradient[1][0]).isCloseTo((float) (Math.exp(0.2) / sum1 / 2), within(1e-6f));
        assertThat(gradient[1][1]).isCloseTo((float) (Math.exp(0.4) / sum1 / 2), within(1e-6f));
        assertThat(gradient[1][2]).isCloseTo((float) ((Math.exp(1.5) / sum1 - 1) / 2), within(1e-6f));
    }
}
