package dev.geoloc.retrieval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import dev.geoloc.regions.LatLon;

/**
 * Microseconds per image that retrieval adds, single thread, exact search: a gallery of the given size and
 * dimension over 15 regions with its photos spread evenly, searched in the top 1 and top 2 regions for 20
 * neighbours, and, for the worst case, in all 15. Median of rounds. Prints figures only.
 *
 * <pre>
 * mvn -B -ntp -q -pl region-model -am test-compile
 * mvn -B -ntp -q -f region-model dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp region-model/target/test-classes:region-model/target/classes:$(cat region-model/target/test-cp.txt) \
 *     dev.geoloc.retrieval.RetrievalBenchmark [PHOTOS DIMENSION]...
 * </pre>
 */
public final class RetrievalBenchmark {

    private static final int REGIONS = 15;
    private static final int ROUNDS = 9;
    private static final int QUERIES = 200;

    public static void main(String[] args) {
        int[][] sizes = args.length >= 2 ? pairs(args) : new int[][] {{2312, 128}, {15_000, 384}, {15_000, 768},
                {GalleryFile.MAX_ENTRIES, 768}};
        System.out.printf(Locale.ROOT, "%8s %6s %14s %14s %16s%n", "photos", "dim", "top 1 (us)", "top 2 (us)",
                "all 15 (us)");
        for (int[] size : sizes) {
            Gallery gallery = gallery(size[0], size[1], new Random(1));
            float[][] queries = new float[QUERIES][];
            Random random = new Random(2);
            for (int q = 0; q < QUERIES; q++) {
                queries[q] = vector(size[1], random);
            }
            System.out.printf(Locale.ROOT, "%8d %6d %14.1f %14.1f %16.1f%n", size[0], size[1],
                    micros(gallery, queries, 1), micros(gallery, queries, 2), micros(gallery, queries, REGIONS));
        }
    }

    private static double micros(Gallery gallery, float[][] queries, int regions) {
        Retrieval retrieval = new Retrieval(20, -1, regions);
        float[] probabilities = new float[REGIONS];
        for (int j = 0; j < REGIONS; j++) {
            probabilities[j] = (REGIONS - j) / 120f;
        }
        double[] rounds = new double[ROUNDS + 2];
        for (int r = 0; r < rounds.length; r++) {
            long start = System.nanoTime();
            for (float[] query : queries) {
                retrieval.refine(gallery, query, probabilities);
            }
            rounds[r] = (System.nanoTime() - start) / 1e3 / queries.length;
        }
        double[] measured = Arrays.copyOfRange(rounds, 2, rounds.length); // two rounds of warm-up
        Arrays.sort(measured);
        return measured[measured.length / 2];
    }

    private static Gallery gallery(int photos, int dimension, Random random) {
        List<Gallery.Entry> entries = new ArrayList<>(photos);
        for (int i = 0; i < photos; i++) {
            entries.add(new Gallery.Entry(vector(dimension, random), new LatLon(34 + random.nextDouble() / 10,
                    -118.3 + random.nextDouble() / 10), i % REGIONS));
        }
        return Gallery.of(dimension, REGIONS, entries);
    }

    private static float[] vector(int dimension, Random random) {
        float[] v = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    private static int[][] pairs(String[] args) {
        int[][] sizes = new int[args.length / 2][];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = new int[] {Integer.parseInt(args[2 * i]), Integer.parseInt(args[2 * i + 1])};
        }
        return sizes;
    }
}
