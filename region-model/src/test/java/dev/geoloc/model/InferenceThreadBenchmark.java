package dev.geoloc.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a serving process's inference thread spends per image on a real bundle, at one batch size: the model
 * ({@link RegionPredictor#infer}, wall time, libtorch's own threads included) and, apart, what it no longer does since
 * predictions are made by the threads that read them: making each image's {@link Prediction} of the outputs (top
 * regions, location estimate, cell, gallery, error bars; one thread's CPU time). Medians of rounds after a warm-up.
 * Prints figures only.
 *
 * <pre>
 * mvn -B -ntp -q -pl region-model -am test-compile
 * mvn -B -ntp -q -f region-model dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp region-model/target/test-classes:region-model/target/classes:$(cat region-model/target/test-cp.txt) \
 *     dev.geoloc.model.InferenceThreadBenchmark BUNDLE_DIR [BATCH]
 * </pre>
 */
public final class InferenceThreadBenchmark {

    private static final int ROUNDS = 15;
    private static final int WARM_UP_ROUNDS = 10;
    private static final int BATCHES_PER_ROUND = 20;

    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args[0]);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        try (ModelBundle bundle = ModelBundle.open(directory);
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            float[] images = EncoderContract.probeInput(batch, predictor.manifest().preprocessing().inputSize());
            double[] model = new double[ROUNDS];
            double[] making = new double[ROUNDS];
            for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
                long modelNanos = 0;
                long makingNanos = 0;
                for (int b = 0; b < BATCHES_PER_ROUND; b++) {
                    long started = System.nanoTime();
                    List<InferredImage> inferred = predictor.infer(images, batch);
                    modelNanos += System.nanoTime() - started;
                    long cpu = threads.getCurrentThreadCpuTime();
                    inferred.forEach(InferredImage::prediction);
                    makingNanos += threads.getCurrentThreadCpuTime() - cpu;
                }
                if (round >= 0) {
                    model[round] = modelNanos / 1e3 / (BATCHES_PER_ROUND * batch);
                    making[round] = makingNanos / 1e3 / (BATCHES_PER_ROUND * batch);
                }
            }
            double inference = median(model);
            double predictions = median(making);
            System.out.printf(Locale.ROOT, "%s, batch %d: %s%s%s%n", directory, batch,
                    bundle.cells().map(c -> c.partition().size() + " cells, ").orElse(""),
                    bundle.calibration().isPresent() ? "calibrated" : "uncalibrated",
                    bundle.gallery().map(g -> ", gallery of " + g.gallery().size()).orElse(""));
            System.out.printf(Locale.ROOT, "  model (infer, wall)            %9.1f us/image%n", inference);
            System.out.printf(Locale.ROOT, "  making predictions (CPU)       %9.1f us/image, %.1f %% of the model's time%n",
                    predictions, 100 * predictions / inference);
        }
    }

    private static double median(double[] rounds) {
        double[] sorted = rounds.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
