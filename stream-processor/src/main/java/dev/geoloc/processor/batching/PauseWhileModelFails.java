package dev.geoloc.processor.batching;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.streams.KafkaStreams;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;

/**
 * Pauses the topology while the model fails on every batch, and resumes it once a batch succeeds again (the model
 * recovered, or a sound version was swapped in). Paused, the stream threads process nothing but keep polling and
 * committing what they took, so no transaction outlives its timeout and no member leaves its group: the instance
 * waits quietly instead of churning through aborts and rebalances. The images already taken wait in the batcher,
 * which retries them with back-off, and in the pending store.
 */
@Startup
@ApplicationScoped
public class PauseWhileModelFails {

    private static final Logger LOG = Logger.getLogger(PauseWhileModelFails.class);
    private static final long CHECK_MILLIS = 100;

    private final KafkaStreams streams;
    private final DynamicBatcher batcher;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "geoloc-model-failure-pause");
        thread.setDaemon(true);
        return thread;
    });
    /** Whether this class paused the topology, so that it resumes only what it paused; the timer thread's alone. */
    private boolean pausedHere;

    PauseWhileModelFails(KafkaStreams streams, DynamicBatcher batcher) {
        this.streams = streams;
        this.batcher = batcher;
    }

    @PostConstruct
    void start() {
        timer.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            var failing = batcher.degraded();
            if (failing.isPresent() && !pausedHere) {
                streams.pause();
                pausedHere = true;
                LOG.errorf("The model fails on every batch (%s): stream processing is paused until a batch succeeds",
                        failing.get());
            } else if (failing.isEmpty() && pausedHere) {
                streams.resume();
                pausedHere = false;
                LOG.infof("The model answers again: stream processing resumed");
            }
        } catch (RuntimeException e) {
            // Streams not started yet, or shutting down: look again at the next tick.
            LOG.debugf("Pausing or resuming stream processing failed: %s", e);
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
