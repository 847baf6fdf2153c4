package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplacementBackoffTest {

    @Test
    void aLoneFailureIsReplacedAtOnceAndRepeatsWaitTwiceAsLongUpTo30Seconds() {
        ReplacementBackoff backoff = new ReplacementBackoff();
        long now = 1_000_000;

        assertThat(backoff.onFailure(now)).isZero();
        assertThat(backoff.onFailure(now += 100)).isEqualTo(1_000);
        assertThat(backoff.onFailure(now += 1_100)).isEqualTo(2_000);
        assertThat(backoff.onFailure(now += 2_100)).isEqualTo(4_000);
        for (int i = 0; i < 10; i++) {
            backoff.onFailure(now += 30_000);
        }
        assertThat(backoff.onFailure(now += 30_000)).isEqualTo(ReplacementBackoff.MAX_DELAY_MILLIS);
    }

    @Test
    void theQuietMinuteCountsFromTheReplacementNotTheFailure() {
        ReplacementBackoff backoff = new ReplacementBackoff();
        long now = 0;
        for (int i = 0; i < 8; i++) {
            backoff.onFailure(now += 1_000);
        }
        long waited = backoff.onFailure(now += 1_000);

        assertThat(waited).isEqualTo(ReplacementBackoff.MAX_DELAY_MILLIS);
        // failing again 40 s after that failure is 10 s after the thread came back: not quiet
        assertThat(backoff.onFailure(now + 40_000)).isEqualTo(ReplacementBackoff.MAX_DELAY_MILLIS);
    }

    @Test
    void aQuietMinuteStartsOver() {
        ReplacementBackoff backoff = new ReplacementBackoff();
        backoff.onFailure(0);
        backoff.onFailure(100);
        long replaced = 200 + backoff.onFailure(200); // the thread comes back after the wait

        assertThat(backoff.onFailure(replaced + ReplacementBackoff.QUIET_MILLIS + 1)).isZero();
    }
}
