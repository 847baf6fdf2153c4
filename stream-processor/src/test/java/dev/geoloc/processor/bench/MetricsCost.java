package dev.geoloc.processor.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.TestBundles;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.processor.versions.CanaryJudge;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.RolloutObserver;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RegionScore;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/**
 * What the metrics cost the stream thread per prediction: {@link PipelineMetrics#predictionOut} and
 * {@link RolloutObserver#answered} for one labelled answer, on a Prometheus registry inside a composite one, as
 * Quarkus wires them. Median nanoseconds per prediction over 9 rounds, one thread. Prints figures only. Run:
 * {@code mvn -B -q -pl stream-processor -am verify -DskipTests -Pbench -Dbench.class=dev.geoloc.processor.bench.MetricsCost}
 */
public final class MetricsCost {

    private static final int ROUNDS = 9;
    private static final int PER_ROUND = 200_000;

    private MetricsCost() {
    }

    public static void main(String[] args) throws Exception {
        Path bundle = TestBundles.untrained(Files.createTempDirectory("metrics-cost-"), "tiny-cnn", TestBundles.CLASSIFIER,
                RegionCatalog.losAngeles());
        CompositeMeterRegistry registry = new CompositeMeterRegistry();
        registry.add(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        PipelineMetrics metrics = new PipelineMetrics(registry);
        RolloutObserver observer = new RolloutObserver(registry, new ModelHolder(registry),
                new CanaryJudge.Limits(100, 0.5, 200, 0.05));
        RegionScore top = new RegionScore("downtown_la", "Downtown Los Angeles", 0.75);
        RegionPrediction answer = RegionPrediction.newBuilder().setImageId("u1").setModelName("bench").setModelVersion(3)
                .setTopRegions(List.of(top)).setPredictedRegion(top).setEstimatedLocation(new GeoPoint(34.05, -118.25))
                .setExpectedErrorKm(2.5).setConfidenceRadiusKm(6).setConfidenceLevel(0.9).setBatchSize(8)
                .setQueueLatencyMs(3).setInferenceLatencyMs(4).setEndToEndLatencyMs(9).setActualErrorKm(1.2)
                .setTrueRegionId("downtown_la").setProcessedTime(Instant.now()).build();
        try (ModelBundle opened = ModelBundle.open(bundle);
             RegionPredictor predictor = RegionPredictor.load(opened, new PredictorOptions("cpu", 3, 0.9, 1,
                     ImageLimits.DEFAULT))) {
            ServedModel model = new ServedModel("bench", 3, predictor);
            double[] nanos = new double[ROUNDS];
            for (int round = -2; round < ROUNDS; round++) { // two rounds to warm up
                long started = System.nanoTime();
                for (int i = 0; i < PER_ROUND; i++) {
                    metrics.predictionOut("bench", 3, Duration.ofMillis(9), Duration.ofMillis(7));
                    observer.answered(model, answer);
                }
                if (round >= 0) {
                    nanos[round] = (System.nanoTime() - started) / (double) PER_ROUND;
                }
            }
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "Metrics per labelled prediction: %.0f ns (median of %d rounds of %,d)%n",
                    nanos[ROUNDS / 2], ROUNDS, PER_ROUND);
        }
    }
}
