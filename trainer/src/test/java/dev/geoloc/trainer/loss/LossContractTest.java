package dev.geoloc.trainer.loss;

import static dev.geoloc.trainer.loss.LineCatalog.CENTER_LONGITUDE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the training loop relies on, for every loss. */
class LossContractTest extends LossTestBase {

    private static final double[][] Z = {{2, 1, 0.5}, {0.2, 0.4, 1.5}};

    private NDList labelsWithPhotos() {
        // Photos a little off their centers, so the photo variants differ from the region ones.
        return photos(new long[] {0, 2}, new float[][] {
                {34.0234375f, (float) CENTER_LONGITUDE}, {34.1953125f, -118.2265625f}});
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce", "soft", "geo-smooth", "expected", "ranking", "ce+ranking", "soft-photo",
            "geo-smooth-photo", "expected-photo"})
    void returnsAScalarWhoseGradientReachesTheLogits(String spec) {
        Loss loss = Losses.create(LossSpec.parse(spec), catalog);

        NDArray value = loss.evaluate(labelsWithPhotos(), new NDList(logits(Z)));
        float[][] gradient = gradient(loss, labelsWithPhotos(), logits(Z));

        assertThat(value.getShape()).isEqualTo(new Shape());
        assertThat(loss.getName()).isEqualTo(LossSpec.parse(spec).name());
        for (float[] row : gradient) {
            assertThat(row).doesNotContain(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)
                    .isNotEqualTo(new float[row.length]);
            // Each loss depends on logit differences only, so shifting a row changes nothing: rows sum to 0.
            assertThat((double) row[0] + row[1] + row[2]).isCloseTo(0, within(1e-6));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce", "soft", "geo-smooth", "expected", "ranking", "ce+ranking"})
    void regionLossesIgnoreCoordinatesAndWorkWithoutThem(String spec) {
        Loss loss = Losses.create(LossSpec.parse(spec), catalog);

        double withPhotos = value(loss, labelsWithPhotos(), logits(Z));

        assertThat(value(loss, regions(0, 2), logits(Z))).isEqualTo(withPhotos);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce", "soft", "geo-smooth", "expected", "ranking", "ce+ranking", "soft-photo",
            "geo-smooth-photo", "expected-photo"})
    void leavesNothingButTheResultInTheManager(String spec) {
        Loss loss = Losses.create(LossSpec.parse(spec), catalog);
        NDList labels = labelsWithPhotos();
        NDArray logits = logits(Z);
        int before = manager.getManagedArrays().size();

        NDArray value = loss.evaluate(labels, new NDList(logits));

        assertThat(manager.getManagedArrays()).hasSize(before + 1).contains(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"soft", "ranking", "expected-photo"})
    void keepsWorkingAcrossManagers(String spec) {
        Loss loss = Losses.create(LossSpec.parse(spec), catalog);
        double first = value(loss, labelsWithPhotos(), logits(Z));
        manager.close();
        manager = NDManager.newBaseManager("PyTorch");

        assertThat(value(loss, labelsWithPhotos(), logits(Z))).isEqualTo(first);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce", "geo-smooth-photo", "ranking"})
    void refusesLogitsForAnotherNumberOfRegions(String spec) {
        Loss loss = Losses.create(LossSpec.parse(spec), catalog);
        NDArray fourRegions = logits(new double[] {1, 2, 3, 4});

        assertThatIllegalArgumentException()
                .isThrownBy(() -> loss.evaluate(regions(0), new NDList(fourRegions)))
                .withMessageContaining("3 regions");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce", "expected"})
    void refusesRegionLabelsThatAreNotOnePerSample(String spec) {
        Loss loss = Losses.create(LossSpec.parse(spec), catalog);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> loss.evaluate(regions(0, 1, 2), new NDList(logits(Z))))
                .withMessageContaining("labels.get(0)");
    }
}
