package dev.geoloc.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

/**
 * Decoded pixels live in native memory, out of the garbage collector's sight: a Mat left unreleased grows the
 * process, not the heap, until a collection happens to finalise it. This is a coarse check that the process
 * stays flat ({@link NativeMemory} says what is measured); {@link MatScopeTest} checks the release itself. With the
 * releases removed, native memory grew by 457 MiB here between the first and the last rounds, and failed this test.
 */
class NativeMemoryTest {

    private static final Path SMAPS = Path.of("/proc/self/smaps");

    @Test
    void residentMemoryStaysFlatOverThousandsOfImages() throws Exception {
        assumeTrue(Files.isReadable(SMAPS), "needs Linux /proc");
        ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.imagenet(224), ImageLimits.DEFAULT);
        byte[] photo = TestImages.jpeg(noise(640, 480), false);
        float[] tensor = new float[preprocessor.spec().tensorLength()];

        repeat(preprocessor, photo, tensor, 300);
        long[] residentKb = new long[10];
        for (int round = 0; round < residentKb.length; round++) {
            repeat(preprocessor, photo, tensor, 200);
            residentKb[round] = NativeMemory.anonymousOutsideHeapKib();
        }

        // glibc keeps freed blocks in per-thread arenas and returns them when it sees fit, so the resident size
        // jumps up and back by ~100 MB without a leak. A leak only ever grows: compare the lows of the first
        // and the last three rounds, 800 images apart.
        long early = LongStream.of(residentKb).limit(3).min().orElseThrow();
        long late = LongStream.of(residentKb).skip(7).min().orElseThrow();
        assertThat(photo.length).isGreaterThan(100_000);
        assertThat(late - early).as("native resident growth in KiB, per 200 images: %s", Arrays.toString(residentKb))
                .isLessThan(48 * 1024);
    }

    private static void repeat(ImagePreprocessor preprocessor, byte[] photo, float[] tensor, int times)
            throws ImageRejectedException {
        for (int i = 0; i < times; i++) {
            preprocessor.preprocess(photo, tensor, 0);
        }
    }

    /** Random pixels: JPEG compresses them poorly, so the payload is large. */
    private static BufferedImage noise(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }
}
