package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.processor.TopicProbe.Output;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RegionScore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Good events through the running processor, against the real broker, registry and libtorch. */
@QuarkusTest
@QuarkusTestResource(StreamingStackResource.class)
class GeotagPipelineTest {

    private static TopicProbe probe;

    @BeforeAll
    static void openProbe() {
        probe = new TopicProbe();
    }

    @AfterAll
    static void closeProbe() throws InterruptedException {
        probe.close();
    }

    static byte[] photo(int seed) {
        BufferedImage image = TestImages.bands(96, 72, new java.awt.Color(seed * 37 % 256, 90, 200 - seed % 100),
                TestImages.GREEN, new java.awt.Color(40, seed * 11 % 256, 60));
        return TestImages.jpeg(image, false);
    }

    @Test
    void eachEventGetsOnePredictionKeyedAsTheEventWithTheStudysFields() {
        // Given an event whose photo was taken in Downtown Los Angeles
        GeoPoint truth = new GeoPoint(34.045, -118.25);
        var sent = probe.send(TopicProbe.event("pipeline-one", photo(1), truth));

        // When the processor answers
        Output<RegionPrediction> output = probe.awaitPrediction("pipeline-one");

        // Then the prediction carries the event's key, to the same partition, and everything a dashboard needs
        RegionPrediction prediction = output.value();
        assertThat(output.partition()).isEqualTo(sent.partition());
        assertThat(prediction.getImageId()).isEqualTo("pipeline-one");
        assertThat(prediction.getModelName()).isEqualTo("test-model");
        assertThat(prediction.getTopRegions()).hasSize(3);
        assertThat(prediction.getPredictedRegion()).isEqualTo(prediction.getTopRegions().get(0));
        assertThat(prediction.getTopRegions()).extracting(RegionScore::getProbability)
                .isSortedAccordingTo((a, b) -> Double.compare(b, a))
                .allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
        assertThat(prediction.getExpectedErrorKm()).isPositive();
        assertThat(prediction.getConfidenceRadiusKm()).isPositive();
        assertThat(prediction.getConfidenceLevel()).isEqualTo(0.9);
        assertThat(prediction.getBatchSize()).isBetween(1, 32);
        assertThat(prediction.getEndToEndLatencyMs()).isPositive();
        assertThat(prediction.getTrueRegionId()).isEqualTo("downtown_la");
        LatLon estimate = new LatLon(prediction.getEstimatedLocation().getLatitude(),
                prediction.getEstimatedLocation().getLongitude());
        assertThat(prediction.getActualErrorKm())
                .isCloseTo(estimate.distanceKm(new LatLon(34.045, -118.25)), within(1e-9));
        assertThat(RegionCatalog.losAngeles().byId(prediction.getPredictedRegion().getRegionId())).isPresent();
        assertThat(probe.deadLetters("pipeline-one")).isEmpty();
    }

    @Test
    void aBurstIsBatchedAndEveryEventIsAnsweredOnceInPartitionOrder() throws InterruptedException {
        // Given a burst of events spread over the partitions, several per key
        List<String> keys = List.of("burst-a", "burst-b", "burst-c", "burst-d", "burst-e", "burst-f");
        for (int round = 0; round < 6; round++) {
            for (String key : keys) {
                probe.send(key, TopicProbe.event(key + "#" + round, photo(round * 7 + Math.abs(key.hashCode() % 5)), null));
            }
        }

        // When all are answered
        probe.awaitPredictions(keys);
        for (String key : keys) {
            waitFor(() -> probe.predictions(key).size() >= 6);
        }
        Thread.sleep(500); // a duplicate would have arrived by now

        // Then each key has its six predictions, once each, in the order its events were sent
        Map<String, List<Output<RegionPrediction>>> byKey = keys.stream()
                .collect(Collectors.toMap(k -> k, probe::predictions));
        byKey.values().forEach(list -> assertThat(list).hasSize(6));
        byKey.forEach((key, list) -> assertThat(list).extracting(o -> o.value().getImageId())
                .containsExactly(key + "#0", key + "#1", key + "#2", key + "#3", key + "#4", key + "#5"));
        assertThat(byKey.values().stream().flatMap(List::stream).mapToInt(o -> o.value().getBatchSize()).max().orElseThrow())
                .as("a burst fills batches larger than one").isGreaterThan(1);
    }

    static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
