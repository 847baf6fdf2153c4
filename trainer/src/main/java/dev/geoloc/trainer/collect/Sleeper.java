package dev.geoloc.trainer.collect;

import java.time.Duration;

/** Waits. Injected so that rate limiting and backoff can be tested against a fake clock, not wall time. */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

    void sleep(Duration duration) throws InterruptedException;
}
