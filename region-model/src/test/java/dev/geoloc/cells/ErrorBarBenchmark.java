package dev.geoloc.cells;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.LocationEstimator;
import dev.geoloc.regions.PhotoSpread;
import dev.geoloc.regions.RegionCatalog;

/**
 * Microseconds per image for the error bars a calibrated bundle computes, single thread, on the LA catalog with a
 * photo sample of the given size per region: the region-level estimate ({@code LocationEstimator.estimate}) and a
 * cell model's bar around its point ({@link CellSpread#errorAt}) with the given cells per region. Median of rounds.
 * Prints figures only.
 *
 * <pre>
 * mvn -B -ntp -q -pl region-model -am test-compile
 * mvn -B -ntp -q -f region-model dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp region-model/target/test-classes:region-model/target/classes:$(cat region-model/target/test-cp.txt) \
 *     dev.geoloc.cells.ErrorBarBenchmark [PHOTOS_PER_REGION CELLS_PER_REGION]...
 * </pre>
 */
public final class ErrorBarBenchmark {

    private static final int ROUNDS = 9;
    private static final int IMAGES = 2000;
    /** Enough calls for the JIT's last tier: with two short rounds the figures were several times too high. */
    private static final int WARM_UP_ROUNDS = 10;

    public static void main(String[] args) {
        RegionCatalog la = RegionCatalog.losAngeles();
        int[][] sizes = args.length >= 2 ? new int[][] {{Integer.parseInt(args[0]), Integer.parseInt(args[1])}}
                : new int[][] {{40, 30}, {64, 30}, {64, 16}};
        System.out.printf(Locale.ROOT, "%8s %8s %22s %22s%n", "photos", "cells", "region-level (us)", "cells (us)");
        for (int[] size : sizes) {
            Random random = new Random(1);
            List<List<LatLon>> photos = new ArrayList<>();
            List<Cell> cells = new ArrayList<>();
            for (int r = 0; r < la.size(); r++) {
                List<LatLon> region = new ArrayList<>();
                for (int k = 0; k < size[0]; k++) {
                    region.add(Geodesy.destination(la.center(r), random.nextDouble() * 360, random.nextDouble()));
                }
                photos.add(region);
                for (int c = 0; c < size[1]; c++) {
                    cells.add(new Cell(r, Geodesy.destination(la.center(r), random.nextDouble() * 360,
                            random.nextDouble()), 0.3));
                }
            }
            PhotoSpread spread = new PhotoSpread(photos);
            CellPartition partition = new CellPartition(cells, la.size());
            LocationEstimator estimator = new LocationEstimator(la, 0.9, spread);
            CellSpread cellSpread = new CellSpread(partition, Optional.of(spread), 0.9);
            float[][] probabilities = new float[IMAGES][];
            float[][] heads = new float[IMAGES][];
            for (int i = 0; i < IMAGES; i++) {
                probabilities[i] = softmax(random, la.size());
                heads[i] = new float[partition.headOutputs()];
                for (int c = 0; c < heads[i].length; c++) {
                    heads[i][c] = (float) random.nextGaussian() * 2;
                }
            }
            double regionLevel = median(() -> {
                for (float[] p : probabilities) {
                    estimator.estimate(p);
                }
            });
            double overCells = median(() -> {
                for (int i = 0; i < IMAGES; i++) {
                    cellSpread.errorAt(heads[i], probabilities[i], la.center(0));
                }
            });
            System.out.printf(Locale.ROOT, "%8d %8d %22.1f %22.1f%n", size[0], size[1], regionLevel, overCells);
        }
    }

    /** The median over rounds of microseconds per image, after the warm-up rounds. */
    private static double median(Runnable allImages) {
        double[] rounds = new double[ROUNDS + WARM_UP_ROUNDS];
        for (int r = 0; r < rounds.length; r++) {
            long start = System.nanoTime();
            allImages.run();
            rounds[r] = (System.nanoTime() - start) / 1e3 / IMAGES;
        }
        double[] measured = Arrays.copyOfRange(rounds, WARM_UP_ROUNDS, rounds.length);
        Arrays.sort(measured);
        return measured[measured.length / 2];
    }

    private static float[] softmax(Random random, int n) {
        float[] p = new float[n];
        double sum = 0;
        double[] e = new double[n];
        for (int j = 0; j < n; j++) {
            e[j] = Math.exp(random.nextGaussian() * 3);
            sum += e[j];
        }
        for (int j = 0; j < n; j++) {
            p[j] = (float) (e[j] / sum);
        }
        return p;
    }
}
