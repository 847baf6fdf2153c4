package dev.geoloc.trainer.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Against a fake clock that only sleeping moves: exact timings, no wall time. */
class RateLimiterTest {

    private long now = 1_000_000_000L;
    private final Sleeper sleeper = duration -> now += duration.toNanos();

    private List<Long> grantTimes(RateLimiter limiter, int permits) throws InterruptedException {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < permits; i++) {
            limiter.acquire();
            times.add(now);
        }
        return times;
    }

    @Test
    void spacesPermitsEvenly() throws InterruptedException {
        RateLimiter limiter = new RateLimiter(5, 1, () -> now, sleeper);
        long start = now;
        List<Long> times = grantTimes(limiter, 6);
        for (int i = 0; i < times.size(); i++) {
            assertThat(times.get(i) - start).isEqualTo(i * 200_000_000L);
        }
    }

    @Test
    void idleTimeBuysAtMostTheBurst() throws InterruptedException {
        RateLimiter limiter = new RateLimiter(10, 3, () -> now, sleeper);
        now += Duration.ofSeconds(60).toNanos();
        long start = now;
        List<Long> times = grantTimes(limiter, 5);
        assertThat(times.subList(0, 3)).containsOnly(start);
        assertThat(times.get(3) - start).isEqualTo(100_000_000L);
        assertThat(times.get(4) - start).isEqualTo(200_000_000L);
    }

    @Test
    void workBetweenRequestsCountsTowardsTheSpacing() throws InterruptedException {
        RateLimiter limiter = new RateLimiter(4, 1, () -> now, sleeper);
        limiter.acquire();
        now += 100_000_000L; // a request taking 100 ms
        long before = now;
        limiter.acquire();
        assertThat(now - before).isEqualTo(150_000_000L);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new RateLimiter(0, 1, () -> now, sleeper)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimiter(1, 0, () -> now, sleeper)).isInstanceOf(IllegalArgumentException.class);
    }
}
