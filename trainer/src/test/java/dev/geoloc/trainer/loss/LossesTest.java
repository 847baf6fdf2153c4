package dev.geoloc.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.training.loss.Loss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LossesTest {

    @ParameterizedTest
    @CsvSource({
            "ce, CrossEntropyLoss, ce",
            "soft:sigma=5, SoftLabelLoss, soft",
            "geo-smooth, GeoLabelSmoothingLoss, geo-smooth",
            "expected:lambda=0.02, ExpectedDistanceLoss, expected",
            "ranking:margin=0.2, GeoMarginRankingLoss, ranking",
            "ce+ranking, GeoMarginRankingLoss, ce+ranking",
            "soft-photo, SoftLabelLoss, soft-photo",
            "geo-smooth-photo, GeoLabelSmoothingLoss, geo-smooth-photo",
            "expected-photo, ExpectedDistanceLoss, expected-photo"})
    void buildsTheNamedLoss(String spec, String type, String name) {
        Loss loss = Losses.create(LossSpec.parse(spec), LineCatalog.catalog());

        assertThat(loss.getClass().getSimpleName()).isEqualTo(type);
        assertThat(loss.getName()).isEqualTo(name);
    }
}
