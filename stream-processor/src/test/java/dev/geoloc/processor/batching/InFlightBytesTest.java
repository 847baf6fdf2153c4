package dev.geoloc.processor.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.processor.LargeImages;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.processor.versions.ModelHolder;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Images in flight are bounded in bytes. While the model is held (here: its one permit taken, as a long batch on
 * a slow device would hold it), stream threads take only as many 2 MiB images as the byte budget holds; the
 * image count alone (a queue of 128) would have let them take every one, 2 MiB or 10 MiB each. Released, every
 * image is answered once.
 */
@QuarkusTest
@TestProfile(InFlightBytesTest.SmallBudget.class)
class InFlightBytesTest {

    private static final int MIB = 1024 * 1024;
    private static final int EVENTS = 40;

    @Inject
    ModelHolder models;

    @Inject
    InFlightBudget budget;

    @Inject
    MeterRegistry registry;

    @Test
    void whileTheModelIsHeldStreamThreadsTakeOnlyWhatTheByteBudgetHolds() throws Exception {
        try (TopicProbe probe = new TopicProbe()) {
            // Given a model whose every batch waits
            probe.send(TopicProbe.event("budget-warm", TestImages.jpeg(TestImages.bands(32, 24, TestImages.RED), false), null));
            probe.awaitPrediction("budget-warm");
            Semaphore permits = permits(models.current().orElseThrow().predictor());
            permits.acquire();
            double takenBefore = registry.get("geoloc.events.in").counter().count();
            List<String> ids = TopicProbe.ids("budget", EVENTS);
            try {
                // When 40 events of 2 MiB come
                byte[] photo = LargeImages.padded(TestImages.jpeg(TestImages.bands(64, 48, TestImages.GREEN), false), 2 * MIB);
                for (String id : ids) {
                    probe.sendAsync(TopicProbe.event(id, photo, null));
                }
                Thread.sleep(5000);

                // Then only what fits in the 64 MiB budget was taken, each costing twice its record plus 1 MiB:
                // twelve, and a thirteenth counted in as it came, waiting for room
                double taken = registry.get("geoloc.events.in").counter().count() - takenBefore;
                assertThat(taken).as("events taken while the model is held").isBetween(12.0, 13.0);
                assertThat(budget.used()).isLessThanOrEqualTo(64L * MIB);
            } finally {
                permits.release();
            }

            // And once the model runs again, every image is answered once
            probe.awaitPredictions(ids);
            Thread.sleep(500);
            for (String id : ids) {
                assertThat(probe.outputsFor(id)).as(id).isEqualTo(1);
            }
            assertThat(budget.used()).isZero();
        }
    }

    /** The predictor's permits: taking its one holds every batch before the model. */
    private static Semaphore permits(RegionPredictor predictor) throws ReflectiveOperationException {
        var field = RegionPredictor.class.getDeclaredField("permits");
        field.setAccessible(true);
        return (Semaphore) field.get(predictor);
    }

    /** Images up to 10 MiB accepted, 64 MiB of them in flight. */
    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("geoloc.images.max-bytes", String.valueOf(10 * MIB),
                    "geoloc.batching.max-in-flight-bytes", String.valueOf(64 * MIB));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(StreamingStackResource.class));
        }
    }
}
