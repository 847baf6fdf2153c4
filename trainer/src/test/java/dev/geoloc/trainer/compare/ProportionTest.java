package dev.geoloc.trainer.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Wilson intervals against values computed by hand from the formula (and, for 8 of 10, textbook tables). */
class ProportionTest {

    @Test
    void eightOfTenHasTheTextbookWilsonInterval() {
        Proportion p = new Proportion(8, 10);

        assertThat(p.share()).isEqualTo(0.8);
        assertThat(p.wilson95().low()).isCloseTo(0.4902, within(1e-4));
        assertThat(p.wilson95().high()).isCloseTo(0.9433, within(1e-4));
    }

    @Test
    void threeOfFourIsWideOnSoSmallASample() {
        Interval interval = new Proportion(3, 4).wilson95();

        assertThat(interval.low()).isCloseTo(0.30064, within(1e-5));
        assertThat(interval.high()).isCloseTo(0.95441, within(1e-5));
    }

    @Test
    void noneAndAllStayWithinZeroAndOne() {
        assertThat(new Proportion(0, 10).wilson95().low()).isZero();
        assertThat(new Proportion(0, 10).wilson95().high()).isCloseTo(0.27753, within(1e-5));
        assertThat(new Proportion(10, 10).wilson95().low()).isCloseTo(0.72247, within(1e-5));
        assertThat(new Proportion(10, 10).wilson95().high()).isLessThanOrEqualTo(1).isCloseTo(1, within(1e-12));
    }

    @Test
    void aProportionNeedsATrialAndNoMoreSuccessesThanTrials() {
        assertThatThrownBy(() -> new Proportion(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Proportion(3, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void intervalsPrintScaled() {
        assertThat(new Proportion(3, 4).wilson95().format(100, 1)).isEqualTo("[30.1, 95.4]");
    }
}
