package dev.geoloc.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.geoloc.trainer.loss.GeoMarginRankingLoss.Reduction;
import dev.geoloc.trainer.loss.LossSpec.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LossSpecTest {

    @Test
    void fillsInTheDefaults() {
        assertThat(LossSpec.parse("soft").sigmaKm()).isEqualTo(3.0);
        assertThat(LossSpec.parse("geo-smooth").epsilon()).isEqualTo(0.1);
        assertThat(LossSpec.parse("geo-smooth").temperatureKm()).isEqualTo(10.0);
        assertThat(LossSpec.parse("expected").lambdaPerKm()).isEqualTo(0.01);
        LossSpec ranking = LossSpec.parse("ranking");
        assertThat(ranking.marginPerKm()).isEqualTo(0.1);
        assertThat(ranking.reduction()).isEqualTo(Reduction.MEAN);
        assertThat(LossSpec.parse("ce+ranking").marginPerKm()).isEqualTo(0.1);
        assertThat(LossSpec.parse("soft").distanceFrom()).isEqualTo(DistanceFrom.REGION);
    }

    @Test
    void readsParametersInAnyOrder() {
        LossSpec spec = LossSpec.parse(" geo-smooth:t=5, epsilon=0.2 ");

        assertThat(spec.kind()).isEqualTo(Kind.GEO_SMOOTH);
        assertThat(spec.epsilon()).isEqualTo(0.2);
        assertThat(spec.temperatureKm()).isEqualTo(5.0);
        assertThat(LossSpec.parse("ranking:reduce=sum,margin=0.2"))
                .isEqualTo(new LossSpec(Kind.RANKING, DistanceFrom.REGION, 3, 0.1, 10, 0.01, 0.2, Reduction.SUM, 16, 0.75, 1));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "soft-photo:sigma=5       | soft:sigma=5,distance=photo",
            "geo-smooth-photo         | geo-smooth:distance=photo",
            "expected-photo           | expected:distance=photo,lambda=0.01"})
    void photoNamesAreShorthandForDistanceFromThePhoto(String shorthand, String option) {
        LossSpec spec = LossSpec.parse(shorthand);

        assertThat(spec).isEqualTo(LossSpec.parse(option));
        assertThat(spec.distanceFrom()).isEqualTo(DistanceFrom.PHOTO);
        assertThat(spec.name()).isEqualTo(shorthand.split(":")[0]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ce                  | ce                                      | CE",
            "soft                | soft:sigma=3,distance=region            | Soft Label",
            "geo-smooth          | geo-smooth:epsilon=0.1,t=10,distance=region | Geo Smooth",
            "expected            | expected:lambda=0.01,distance=region    | Exp. Dist.",
            "ranking             | ranking:margin=0.1,reduce=mean          | Ranking",
            "ce+ranking:margin=1 | ce+ranking:margin=1,reduce=mean       | CE + Ranking",
            "soft-photo:sigma=0.5| soft:sigma=0.5,distance=photo           | Soft Label (photo)"})
    void writesItsCanonicalFormAndTheStudysLabel(String text, String canonical, String label) {
        LossSpec spec = LossSpec.parse(text);

        assertThat(spec).hasToString(canonical);
        assertThat(LossSpec.parse(spec.toString())).isEqualTo(spec);
        assertThat(spec.label()).isEqualTo(label);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "hinge                      | Unknown loss 'hinge'; expected one of ce, soft, geo-smooth, expected, ranking, "
                    + "ce+ranking, cells, soft-photo, geo-smooth-photo, expected-photo",
            "ranking-photo              | Unknown loss 'ranking-photo'",
            "\"\"                       | Unknown loss ''",
            "soft:width=3               | Loss 'soft' has no parameter 'width'; it takes sigma, distance",
            "ce:epsilon=0.1             | Loss 'ce' has no parameter 'epsilon'; it takes none",
            "soft:sigma                 | 'sigma' is not a parameter=value pair",
            "soft:sigma=3,              | '' is not a parameter=value pair",
            "soft:sigma=3,sigma=4       | parameter 'sigma' is given twice",
            "soft:sigma=wide            | sigma=wide is not a number",
            "soft:sigma=0               | sigma must be a positive number",
            "geo-smooth:epsilon=1.5     | epsilon must be in [0, 1]",
            "geo-smooth:t=-10           | t must be a positive number",
            "expected:lambda=NaN        | lambda must be a number >= 0",
            "ranking:margin=-0.1        | margin must be a number >= 0",
            "ranking:reduce=max         | reduce=max must be mean or sum",
            "ranking:ce=true            | the hinge plus cross entropy is the loss 'ce+ranking'",
            "ce+ranking:ce=true         | Loss 'ce+ranking' has no parameter 'ce'; it takes margin, reduce",
            "soft:distance=gps          | distance=gps must be region or photo",
            "ranking:distance=photo     | Loss 'ranking' has no parameter 'distance'",
            "soft-photo:distance=region | 'soft-photo' already measures from the photo"})
    void explainsWhatIsWrong(String text, String message) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LossSpec.parse(text))
                .withMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"soft:sigma=0", "expected:lambda=-1"})
    void namesTheWholeSpecInRangeErrors(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LossSpec.parse(text))
                .withMessageStartingWith("Loss '" + text + "': ");
    }

    @Test
    void refusesThePhotoDistanceForLossesThatMeasureNone() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new LossSpec(Kind.CE, DistanceFrom.PHOTO, 3, 0.1, 10, 0.01, 0.1, Reduction.MEAN, 16, 0.75, 1))
                .withMessageContaining("ce has no distance option");
    }
}
