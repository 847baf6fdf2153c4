package dev.geoloc.processor.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.KafkaStreams;

/**
 * Kafka Streams' state, when it began and whether this instance has ever run: what readiness needs to tell a
 * rebalance of a serving group from a start that has not served yet. Quarkus registers this bean as the
 * application's {@link KafkaStreams.StateListener}.
 *
 * <p>Every member of a group goes through REBALANCING together whenever one joins or leaves. Were readiness to
 * require RUNNING, every replica would go unready at once on each scale-out, each rolling restart would take the
 * whole Service out, and a node drain would wait on a PodDisruptionBudget no pod can meet. During a cooperative
 * rebalance a member keeps processing the partitions it keeps, so a rebalance counts as serving for a grace
 * period ({@code geoloc.watchdog.rebalance-grace}); one that lasts longer is a fault worth routing around.
 */
@ApplicationScoped
public class StreamsStateClock implements KafkaStreams.StateListener {

    /** A state, the moment it was entered, and whether RUNNING was ever reached before or at it. */
    public record Since(KafkaStreams.State state, Instant entered, boolean hasRun) {

        /** Whether an instance in this state serves: running, or rebalancing after it ran for less than the grace. */
        public boolean serving(Instant now, Duration rebalanceGrace) {
            return state == KafkaStreams.State.RUNNING
                    || state == KafkaStreams.State.REBALANCING && hasRun
                    && Duration.between(entered, now).compareTo(rebalanceGrace) < 0;
        }

        Since next(KafkaStreams.State newState, Instant now) {
            return new Since(newState, now, hasRun || newState == KafkaStreams.State.RUNNING);
        }
    }

    private final Clock clock;
    private volatile Since current;

    @Inject
    StreamsStateClock() {
        this(Clock.systemUTC());
    }

    StreamsStateClock(Clock clock) {
        this.clock = clock;
        this.current = new Since(KafkaStreams.State.CREATED, clock.instant(), false);
    }

    @Override
    public void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        current = current.next(newState, clock.instant());
    }

    public Since current() {
        return current;
    }

    /** How long the present state has lasted. */
    public Duration age() {
        return Duration.between(current.entered(), clock.instant());
    }

    public boolean serving(Duration rebalanceGrace) {
        return current.serving(clock.instant(), rebalanceGrace);
    }
}
