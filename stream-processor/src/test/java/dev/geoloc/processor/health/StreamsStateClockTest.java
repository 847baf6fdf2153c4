package dev.geoloc.processor.health;

import static org.apache.kafka.streams.KafkaStreams.State.CREATED;
import static org.apache.kafka.streams.KafkaStreams.State.ERROR;
import static org.apache.kafka.streams.KafkaStreams.State.PENDING_ERROR;
import static org.apache.kafka.streams.KafkaStreams.State.REBALANCING;
import static org.apache.kafka.streams.KafkaStreams.State.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** When Kafka Streams' state counts as serving: what readiness reports through start-up and rebalances. */
class StreamsStateClockTest {

    private static final Duration GRACE = Duration.ofSeconds(60);

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private Instant now = Instant.parse("2026-12-05T09:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final HandClock clock = new HandClock();
    private final StreamsStateClock states = new StreamsStateClock(clock);

    @Test
    void aStartThatHasNotRunYetIsNotServingEvenWhileItRebalances() {
        assertThat(states.serving(GRACE)).isFalse();

        states.onChange(REBALANCING, CREATED);

        assertThat(states.serving(GRACE)).isFalse();
        assertThat(states.current().hasRun()).isFalse();
    }

    @Test
    void aRebalanceAfterRunningServesForTheGraceAndNoLonger() {
        // Given an instance that has run
        states.onChange(REBALANCING, CREATED);
        states.onChange(RUNNING, REBALANCING);
        assertThat(states.serving(GRACE)).isTrue();

        // When its group rebalances (a member joined or left)
        clock.advance(Duration.ofMinutes(5));
        states.onChange(REBALANCING, RUNNING);
        clock.advance(GRACE.minusSeconds(1));

        // Then it still serves within the grace, and not once the rebalance outlasts it
        assertThat(states.serving(GRACE)).isTrue();
        assertThat(states.age()).isEqualTo(GRACE.minusSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(states.serving(GRACE)).isFalse();

        // And a finished rebalance serves again
        states.onChange(RUNNING, REBALANCING);
        assertThat(states.serving(GRACE)).isTrue();
        assertThat(states.age()).isZero();
    }

    @Test
    void aFailedInstanceDoesNotServeWhateverItDidBefore() {
        states.onChange(RUNNING, REBALANCING);

        states.onChange(PENDING_ERROR, RUNNING);
        assertThat(states.serving(GRACE)).isFalse();
        states.onChange(ERROR, PENDING_ERROR);
        assertThat(states.serving(GRACE)).isFalse();
        assertThat(states.current().state()).isEqualTo(ERROR);
    }
}
