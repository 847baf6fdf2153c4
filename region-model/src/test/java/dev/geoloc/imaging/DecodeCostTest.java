package dev.geoloc.imaging;

import static dev.geoloc.imaging.HostileImages.SOF0;
import static dev.geoloc.imaging.HostileImages.SOF2;
import static dev.geoloc.imaging.HostileImages.jpegFrame;
import static dev.geoloc.imaging.HostileImages.progressiveScans;
import static dev.geoloc.imaging.HostileImages.strippedTiff;
import static dev.geoloc.imaging.HostileImages.tiledTiff;
import static dev.geoloc.imaging.Tensor.rgb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Images within every size limit whose decoding would still cost out of proportion to them: each is refused with
 * DECODE_TOO_COSTLY by the checks made before decoding ({@link ImageProbe#checkDecodable}), and so by
 * {@link ImagePreprocessor#preprocess} without a pixel decoded.
 */
class DecodeCostTest {

    private static final ImageLimits LIMITS = ImageLimits.DEFAULT.withAcceptTiff(true);

    private final ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.imagenet(16), LIMITS);

    /**
     * 8192 x 6000 grayscale (49 megapixels, under the 50 MP limit) in 561 KB. Before the scan limit OpenCV decoded it,
     * grey, in 15.7 s of one core on this project's machine (0.35 s without its AC scans, 3 ms more per scan).
     */
    @Test
    void aProgressiveJpegWithThousandsOfScansIsRefusedBeforeDecoding() throws Exception {
        byte[] bomb = progressiveScans(8192, 6000, 5000);
        ImageInfo info = ImageProbe.probe(bomb, LIMITS);
        LIMITS.checkDimensions(info);

        assertThat(reasonOf(() -> ImageProbe.checkDecodable(info, bomb, LIMITS))).as("before decoding")
                .isEqualTo(Reason.DECODE_TOO_COSTLY);
        rejecting(bomb).hasMessage("The JPEG has more than 100 scans; at most 100 are accepted (an encoder's "
                + "progressive JPEG has about 10), as the decoder goes over the whole image once per scan");
    }

    @Test
    void aHundredScansAreAcceptedAndDecoded() throws Exception {
        Tensor grey = Tensor.of(preprocessor, progressiveScans(64, 64, 99));

        assertThat(grey.rgb(8, 8)).containsExactly(rgb(128, 128, 128), within(0.01f));
        rejecting(progressiveScans(64, 64, 100)).hasMessageStartingWith("The JPEG has more than 100 scans");
    }

    /**
     * libjpeg holds every DCT coefficient of a progressive JPEG (64 two-byte values per 8 x 8 block of each
     * component) until its last scan: 288 MB for 8000 x 6000 at full colour resolution, 144 MB with its colour
     * halved both ways (4:2:0), against 150 MB for the largest decoded image.
     */
    @Test
    void progressiveJpegsWhoseCoefficientsOutgrowThePixelBudgetAreRefused() throws Exception {
        byte[] full = jpegFrame(SOF2, 8000, 6000, 3, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1});
        byte[] subsampled = jpegFrame(SOF2, 8000, 6000, 3, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1});

        rejecting(full).hasMessage("The progressive JPEG's DCT coefficients (8000 x 6000 pixels, 3 components sampled "
                + "1x1, 1x1, 1x1) take 288,000,000 bytes while it decodes; at most 150,000,000 bytes (3 x 50,000,000 "
                + "pixels) are accepted");
        ImageProbe.checkDecodable(ImageProbe.probe(subsampled, LIMITS), subsampled, LIMITS);
    }

    /** libjpeg decodes a sequential JPEG in one pass only when its first scan holds every component. */
    @Test
    void aSequentialJpegIsBufferedWholeWhenItsFirstScanLeavesComponentsOut() throws Exception {
        byte[] interleaved = jpegFrame(SOF0, 8000, 6000, 3, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1});
        byte[] oneByOne = jpegFrame(SOF0, 8000, 6000, 1, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1});

        ImageProbe.checkDecodable(ImageProbe.probe(interleaved, LIMITS), interleaved, LIMITS);
        rejecting(oneByOne).hasMessage("The multi-scan JPEG's DCT coefficients (8000 x 6000 pixels, 3 components "
                + "sampled 1x1, 1x1, 1x1) take 288,000,000 bytes while it decodes; at most 150,000,000 bytes (3 x "
                + "50,000,000 pixels) are accepted");
    }

    /**
     * 928 bytes: a 16 x 16 image in one 16000 x 16000 tile. Before the tile check OpenCV decoded it in 7 s, through a
     * 1 GB RGBA tile buffer that libtiff zero-fills: the process's peak grew by 977 MiB, and failed this test.
     */
    @Test
    void aTiffTileFarLargerThanItsImageIsRefusedBeforeDecoding() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/proc/self/clear_refs")), "needs Linux /proc");
        byte[] bomb = tiledTiff(16, 16, 16000, 16000, 16 * 16 * 3);

        long before = NativeMemory.residentKib();
        NativeMemory.resetPeak();
        ImageRejectedException e = catchThrowableOfType(ImageRejectedException.class,
                () -> preprocessor.preprocess(bomb));
        long growthKib = NativeMemory.peakResidentKib() - before;

        assertThat(bomb.length).isLessThan(1024);
        assertThat(growthKib).as("peak resident growth, KiB").isLessThan(50 * 1024);
        assertThat(e).as("rejected").isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.DECODE_TOO_COSTLY);
        assertThat(e).hasMessage("The TIFF's tiles of 16000 x 16000 pixels are larger than its 16 x 16 image: "
                + "decoding takes 1,024,000,000 bytes for each; a tile or strip larger than the image (rounded up to "
                + "16 pixels a side) may take at most 4,194,304 bytes");
    }

    @Test
    void tilesAndStripsWithinTheImageAreDecoded() throws Exception {
        // Rounded up to 16 pixels, as the TIFF specification has tiles
        assertThat(Tensor.of(preprocessor, tiledTiff(40, 20, 48, 32, 48 * 32 * 3)).rgb(8, 8))
                .containsExactly(rgb(0, 0, 0), within(0.01f));
        // Fixed 256 x 256 tiles, as GDAL writes them whatever the size: 256 KiB each
        assertThat(Tensor.of(preprocessor, tiledTiff(100, 60, 256, 256, 256 * 256 * 3)).rgb(8, 8))
                .containsExactly(rgb(0, 0, 0), within(0.01f));
        // One strip: the TIFF default of 2^32 - 1 rows per strip
        Tensor.of(preprocessor, strippedTiff(64, 32, 0xFFFF_FFFFL));
        // libtiff's default 8 KiB strips are taller than a small image
        Tensor.of(preprocessor, strippedTiff(16, 4, 170));
    }

    @Test
    void stripsFarTallerThanTheImageAreRefused() {
        rejecting(strippedTiff(16000, 1, 16000)).hasMessage("The TIFF's strips of 16000 x 16000 pixels are larger "
                + "than its 16000 x 1 image: decoding takes 1,024,000,000 bytes for each; a tile or strip larger than "
                + "the image (rounded up to 16 pixels a side) may take at most 4,194,304 bytes");
    }

    /** A tile within its image, but 49 megapixels of 4-byte RGBA: more than the largest decoded image. */
    @Test
    void aTileOverThePixelBudgetIsRefused() {
        rejecting(tiledTiff(7000, 7000, 7008, 7008, 16)).hasMessage("The TIFF's tiles of 7008 x 7008 pixels take "
                + "196,448,256 bytes each to decode; at most 150,000,000 bytes (3 x 50,000,000 pixels) are accepted");
    }

    /** TIFF 6.0, section 15: "TileWidth must be a multiple of 16", and so must TileLength. */
    @Test
    void tileSidesThatAreNoMultipleOf16AreCorrupt() {
        byte[] tiff = tiledTiff(64, 32, 20, 16, 20 * 16 * 3);

        ImageRejectedException e = catchThrowableOfType(ImageRejectedException.class,
                () -> preprocessor.preprocess(tiff));
        assertThat(e.reason()).isEqualTo(Reason.CORRUPT_IMAGE);
        assertThat(e).hasMessage("Corrupt TIFF header: tiles must be positive multiples of 16 pixels a side, found "
                + "20 x 16");
    }

    private AbstractThrowableAssert<?, ? extends Throwable> rejecting(byte[] data) {
        float[] dest = new float[preprocessor.spec().tensorLength()];
        Arrays.fill(dest, 7f);
        ImageRejectedException e = catchThrowableOfType(ImageRejectedException.class,
                () -> preprocessor.preprocess(data, dest, 0));
        assertThat(e).as("rejected").isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.DECODE_TOO_COSTLY);
        assertThat(dest).as("left untouched").containsOnly(7f);
        return assertThat(e);
    }

    private static Reason reasonOf(Executable check) {
        try {
            check.execute();
            return null;
        } catch (ImageRejectedException e) {
            return e.reason();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }
}
