package dev.geoloc.imaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Milliseconds per image for the JPEG header checks alone (the marker walk that counts scans and refuses scan
 * floods, before OpenCV sees the file) and for the whole preprocessing that includes them, on a directory of
 * photos, e.g. those {@code ./geoloc bench-processor} writes. Median of 9 rounds, single thread. Prints figures only.
 *
 * <pre>
 * mvn -B -ntp -q -pl region-model -am test-compile
 * mvn -B -ntp -q -f region-model dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp region-model/target/test-classes:region-model/target/classes:$(cat region-model/target/test-cp.txt) \
 *     dev.geoloc.imaging.HeaderCheckBenchmark stream-processor/target/bench/photos-phone
 * </pre>
 */
public final class HeaderCheckBenchmark {

    private static final int ROUNDS = 9;

    private HeaderCheckBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<byte[]> photos = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(args[0]))) {
            for (Path file : files.sorted().toList()) {
                photos.add(Files.readAllBytes(file));
            }
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.imagenet(64), ImageLimits.DEFAULT);
        int perRound = Math.max(photos.size(), (int) (200_000_000L / photos.stream().mapToLong(p -> p.length).sum()));
        double[] checks = new double[ROUNDS];
        double[] preprocessing = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            checks[round] = millisPerImage(photos, perRound, photo -> JpegFile.checkDecodable(photo, ImageLimits.DEFAULT));
            preprocessing[round] = millisPerImage(photos, Math.max(photos.size(), perRound / 20), preprocessor::preprocess);
        }
        System.out.printf(Locale.ROOT, "%d photos of %,d bytes on average: header checks %.3f ms per image, "
                        + "the whole preprocessing (checks included) %.3f ms (medians of %d rounds)%n", photos.size(),
                photos.stream().mapToLong(p -> p.length).sum() / photos.size(), median(checks), median(preprocessing),
                ROUNDS);
    }

    private interface Step {
        void run(byte[] photo) throws ImageRejectedException, IOException;
    }

    private static double millisPerImage(List<byte[]> photos, int images, Step step) throws Exception {
        long started = System.nanoTime();
        for (int i = 0; i < images; i++) {
            step.run(photos.get(i % photos.size()));
        }
        return (System.nanoTime() - started) / 1e6 / images;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
