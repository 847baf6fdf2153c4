package dev.geoloc.trainer.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Means and their normal-approximation intervals against values computed by hand. */
class SampleMeanTest {

    private static SampleMean of(double... values) {
        SampleMean mean = new SampleMean();
        for (double value : values) {
            mean.add(value);
        }
        return mean;
    }

    @Test
    void oneToFour() {
        SampleMean mean = of(1, 2, 3, 4);

        // variance (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5/3; half width 1.96 * sqrt(5/3) / 2
        assertThat(mean.count()).isEqualTo(4);
        assertThat(mean.mean()).isEqualTo(2.5);
        assertThat(mean.standardDeviation()).hasValueSatisfying(sd -> assertThat(sd).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12)));
        assertThat(mean.interval95()).hasValueSatisfying(i -> {
            assertThat(i.low()).isCloseTo(1.23485, within(1e-5));
            assertThat(i.high()).isCloseTo(3.76515, within(1e-5));
        });
    }

    @Test
    void pairedDifferencesCentredOnZero() {
        // -1, -1, 2: mean 0, variance (1 + 1 + 4) / 2 = 3, standard error sqrt(3 / 3) = 1
        assertThat(of(-1, -1, 2).interval95()).hasValueSatisfying(i -> {
            assertThat(i.low()).isCloseTo(-1.96, within(1e-3));
            assertThat(i.high()).isCloseTo(1.96, within(1e-3));
        });
    }

    @Test
    void largeValuesLoseNoPrecision() {
        SampleMean mean = of(1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4);

        assertThat(mean.mean()).isEqualTo(1e9 + 2.5);
        assertThat(mean.standardDeviation()).hasValueSatisfying(sd -> assertThat(sd).isCloseTo(Math.sqrt(5.0 / 3), within(1e-6)));
    }

    @Test
    void oneValueHasNoSpreadAndNoneNoMean() {
        assertThat(of(3).mean()).isEqualTo(3);
        assertThat(of(3).interval95()).isEmpty();
        assertThat(of().mean()).isNaN();
    }
}
