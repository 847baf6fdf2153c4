package dev.geoloc.processor.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** When a canary is judged worse than the stable version, on figures worked out by hand. */
class CanaryJudgeTest {

    private final CanaryJudge judge = new CanaryJudge(new CanaryJudge.Limits(4, 0.5, 10, 0.05));

    private void labelled(boolean canary, double... errors) {
        for (double error : errors) {
            judge.answered(canary, Optional.of(error));
        }
    }

    @Test
    void nothingIsJudgedBelowTheMinimumSample() {
        labelled(false, 1, 1, 1, 1);
        labelled(true, 9, 9, 9);

        assertThat(judge.verdict()).isEmpty();
    }

    @Test
    void aCanaryWhoseErrorIsWorseBeyondTheMarginWithConfidenceIsRolledBack() {
        // stable: 1, 2, 1, 2: mean 1.5, variance 1/3; canary: 4, 5, 4, 5: mean 4.5, variance 1/3
        // difference 3.0, standard error sqrt(1/12 + 1/12) = 0.408, lower bound 3.0 - 1.645 * 0.408 = 2.33 > 0.5
        labelled(false, 1, 2, 1, 2);
        labelled(true, 4, 5, 4, 5);

        assertThat(judge.verdict()).get().asString().contains("4.50 km against the stable version's 1.50 km")
                .contains("worse by 3.00 km (at least 2.33 km");
    }

    @Test
    void aDifferenceThatNoiseCouldMakeIsNotEnough() {
        // stable: 0, 4, 0, 4: mean 2, variance 16/3; canary: 1, 5, 1, 5: mean 3, variance 16/3
        // difference 1.0, standard error sqrt(2 * 16/12) = 1.633, lower bound 1.0 - 2.686 < 0.5
        labelled(false, 0, 4, 0, 4);
        labelled(true, 1, 5, 1, 5);

        assertThat(judge.verdict()).isEmpty();
    }

    @Test
    void aCanaryThatTurnsImagesIntoDeadLettersIsRolledBack() {
        // stable: 0 of 10; canary: 5 of 10; difference 0.5, standard error sqrt(0.25 / 10) = 0.158,
        // lower bound 0.5 - 0.26 = 0.24 > 0.05
        for (int i = 0; i < 10; i++) {
            judge.answered(false, Optional.empty());
            if (i % 2 == 0) {
                judge.deadLetter(true);
            } else {
                judge.answered(true, Optional.empty());
            }
        }

        assertThat(judge.verdict()).get().asString().contains("50.0 % of its 10 images were dead letters against 0.0 %");
    }
}
