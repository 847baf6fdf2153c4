package dev.geoloc.processor.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.processor.versions.ServingSet;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A model that passed its canary and then fails on every batch (here: its head's native memory is released under
 * it, as a device fault would leave it). Stream threads used to wait in submit on the full queue past the
 * transaction timeout, and the instance churned through aborted transactions and rebalances for as long as the
 * fault lasted. Now the topology pauses while the model fails: the threads keep polling and committing, and when
 * a sound model comes, it resumes and answers every image once.
 */
@QuarkusTest
@TestProfile(FailingModelPauseTest.SmallQueue.class)
class FailingModelPauseTest {

    @Inject
    KafkaStreams streams;

    @Inject
    ModelHolder models;

    @Test
    void aModelFailingOnEveryBatchPausesTheTopologyUntilASoundOneServes() throws Exception {
        try (TopicProbe probe = new TopicProbe()) {
            // Given a served model that fails from now on
            ServedModel sound = models.current().orElseThrow();
            assertThat(versionAnswering(probe, "pause-before")).isEqualTo(sound.version());
            // A thread answers as soon as it has its tasks, which can be before the client reports RUNNING
            long running = System.nanoTime() + 30_000_000_000L;
            while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < running) {
                Thread.sleep(20);
            }
            BrokenHead.breakHead(sound.predictor());
            Set<KafkaStreams.State> states = ConcurrentHashMap.newKeySet();
            Thread watcher = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    states.add(streams.state());
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watcher.setDaemon(true);
            watcher.start();

            // When more events come than the queue holds, for longer than a transaction may stay open
            List<String> ids = TopicProbe.ids("pause", 60);
            for (String id : ids) {
                probe.sendAsync(TopicProbe.event(id, TestImages.jpeg(TestImages.bands(48, 32, TestImages.RED,
                        TestImages.BLUE), false), null));
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!streams.isPaused() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(streams.isPaused()).as("paused while the model fails").isTrue();
            Thread.sleep(15_000); // past Streams' 10 s transaction timeout under exactly-once

            // Then nothing churned: Streams stayed RUNNING, with no rebalance
            assertThat(states).containsOnly(KafkaStreams.State.RUNNING);

            // And when a sound model serves, the stream resumes and every image is answered once
            ServedModel replacement = new ServedModel(sound.name(), sound.version() + 1, RegionPredictor.load(
                    ModelBundle.open(StreamingStackResource.testBundle()), PredictorOptions.DEFAULT.withDevice("cpu")));
            replacement.predictor().warmUp(4);
            models.swap(ServingSet.of(replacement));
            probe.awaitPredictions(ids);
            watcher.interrupt();
            assertThat(streams.isPaused()).isFalse();
            Thread.sleep(500);
            for (String id : ids) {
                assertThat(probe.outputsFor(id)).as(id).isEqualTo(1);
            }
            assertThat(states).containsOnly(KafkaStreams.State.RUNNING);
        }
    }

    private static int versionAnswering(TopicProbe probe, String id) {
        probe.send(TopicProbe.event(id, TestImages.jpeg(TestImages.bands(48, 32, TestImages.GREEN), false), null));
        return probe.awaitPrediction(id).value().getModelVersion();
    }

    /** A queue of 8 images, so that a failing model fills it within a few events. */
    public static class SmallQueue implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("geoloc.batching.queue-capacity", "8", "geoloc.batching.max-size", "4");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StreamingStackResource.class));
        }
    }
}
