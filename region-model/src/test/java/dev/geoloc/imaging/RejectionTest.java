package dev.geoloc.imaging;

import static dev.geoloc.imaging.TestImages.BLUE;
import static dev.geoloc.imaging.TestImages.GREEN;
import static dev.geoloc.imaging.TestImages.RED;
import static dev.geoloc.imaging.TestImages.bands;
import static dev.geoloc.imaging.TestImages.concat;
import static dev.geoloc.imaging.TestImages.encode;
import static dev.geoloc.imaging.TestImages.jpeg;
import static dev.geoloc.imaging.TestImages.png;
import static dev.geoloc.imaging.TestImages.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Every way an image is refused, through {@link ImagePreprocessor#preprocess}, with its reason and message. */
class RejectionTest {

    private final ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.imagenet(16),
            ImageLimits.DEFAULT);
    private final byte[] jpeg = jpeg(bands(64, 32, RED, BLUE), false);
    private final byte[] png = encode(bands(64, 32, RED, BLUE), "png");

    private AbstractThrowableAssert<?, ? extends Throwable> rejecting(ImagePreprocessor preprocessor, byte[] data,
            Reason reason) {
        float[] dest = new float[preprocessor.spec().tensorLength()];
        Arrays.fill(dest, 7f);
        ImageRejectedException e = catchThrowableOfType(ImageRejectedException.class,
                () -> preprocessor.preprocess(data, dest, 0));
        assertThat(e).as("rejected").isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(dest).as("left untouched").containsOnly(7f);
        return assertThat(e);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> rejecting(byte[] data, Reason reason) {
        return rejecting(preprocessor, data, reason);
    }

    @Test
    void empty() {
        rejecting(new byte[0], Reason.EMPTY_IMAGE).hasMessage("The payload is empty (0 bytes)");
    }

    @Test
    void payloadOverTheByteLimit() {
        ImagePreprocessor small = new ImagePreprocessor(Preprocessing.imagenet(16), new ImageLimits(100, 1000, 100));

        rejecting(small, png, Reason.PAYLOAD_TOO_LARGE)
                .hasMessage("The payload is %,d bytes; at most 100 bytes are accepted", png.length);
    }

    @Test
    void notAnImage() {
        rejecting("<!DOCTYPE html><html>".getBytes(StandardCharsets.US_ASCII), Reason.NOT_AN_IMAGE)
                .hasMessage("The payload (21 bytes, starting 3C 21 44 4F 43 54 59 50) has no known image signature;"
                        + " supported formats: JPEG, PNG, WebP, GIF, BMP");
        rejecting(new byte[] {0x42}, Reason.NOT_AN_IMAGE);
        // "BM" starts text too: without a known DIB header size it is not a bitmap.
        rejecting("BMW 3 series, 1998, 150000 km".getBytes(StandardCharsets.US_ASCII), Reason.NOT_AN_IMAGE);
        // An MP4 video is an ISO BMFF file like HEIC, but without an image brand.
        rejecting(ftyp("isom", "isom", "mp41"), Reason.NOT_AN_IMAGE);
    }

    @Test
    void unsupportedFormatsAreNamed() {
        rejecting(ftyp("heic", "mif1", "heic"), Reason.UNSUPPORTED_FORMAT).hasMessage(
                "HEIC images are not supported; supported formats: JPEG, PNG, WebP, GIF, BMP");
        rejecting(ftyp("mif1", "mif1", "avif"), Reason.UNSUPPORTED_FORMAT).hasMessageStartingWith(
                "AVIF images are not supported");
        rejecting(new byte[] {0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, (byte) 0x87, 0x0A, 0, 0},
                Reason.UNSUPPORTED_FORMAT).hasMessageStartingWith("JPEG 2000 images are not supported");
        rejecting(new byte[] {(byte) 0xFF, 0x0A, 1, 2, 3}, Reason.UNSUPPORTED_FORMAT)
                .hasMessageStartingWith("JPEG XL images are not supported");
    }

    /** libtiff 4.2.0, inside OpenCV 4.9, has published crash bugs: TIFF is decoded only where it is asked for. */
    @Test
    void tiffOnlyWhereAccepted() throws Exception {
        byte[] tiff = encode(bands(64, 32, RED, BLUE), "tiff");
        ImagePreprocessor acceptingTiff = new ImagePreprocessor(Preprocessing.imagenet(16),
                ImageLimits.DEFAULT.withAcceptTiff(true));

        rejecting(tiff, Reason.UNSUPPORTED_FORMAT).hasMessage("TIFF images are not accepted here: the libtiff inside "
                + "OpenCV 4.9 (4.2.0) has published crash bugs, so TIFF is decoded only where accept-tiff is set; "
                + "supported formats: JPEG, PNG, WebP, GIF, BMP");
        acceptingTiff.preprocess(tiff);
        rejecting(acceptingTiff, ftyp("heic", "mif1", "heic"), Reason.UNSUPPORTED_FORMAT).hasMessage(
                "HEIC images are not supported; supported formats: JPEG, PNG, WebP, GIF, BMP, TIFF");
    }

    @Test
    void unsupportedVariantsOfSupportedFormats() {
        rejecting(resource("animated.webp"), Reason.UNSUPPORTED_FORMAT)
                .hasMessage("WebP images with animation are not supported; only still WebP images are");
        byte[] lossless = jpeg.clone();
        lossless[TestImages.jpegMarker(lossless, 0xC0) + 1] = (byte) 0xC3;
        rejecting(lossless, Reason.UNSUPPORTED_FORMAT).hasMessage("JPEG images with lossless coding (SOF3) are not "
                + "supported; only baseline, extended and progressive JPEGs are");
    }

    @Test
    void truncatedJpegs() {
        rejecting(Arrays.copyOf(jpeg, jpeg.length - 40), Reason.TRUNCATED_IMAGE).hasMessage(
                "The JPEG data ends after %,d bytes, inside the entropy-coded data of a scan, before the "
                        + "end-of-image marker (EOI)", jpeg.length - 40);
        rejecting(Arrays.copyOf(jpeg, jpeg.length - 2), Reason.TRUNCATED_IMAGE);
        rejecting(Arrays.copyOf(jpeg, 30), Reason.TRUNCATED_IMAGE)
                .hasMessageEndingWith("before the frame header (SOF)");
        rejecting(Arrays.copyOf(jpeg, 2), Reason.TRUNCATED_IMAGE).hasMessage(
                "The JPEG data ends after 2 bytes, inside its signature");
    }

    @Test
    void bytesAfterTheEndOfAJpegAreIgnored() throws Exception {
        preprocessor.preprocess(concat(jpeg, "motion photo video".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void truncatedPngs() {
        rejecting(Arrays.copyOf(png, png.length - 12), Reason.TRUNCATED_IMAGE).hasMessage(
                "The PNG data ends after %d bytes, before the IEND chunk", png.length - 12);
        rejecting(Arrays.copyOf(png, png.length - 20), Reason.TRUNCATED_IMAGE).hasMessageMatching(
                "The PNG data ends after \\d+ bytes, inside the 'IDAT' chunk at byte \\d+, before the IEND chunk");
        rejecting(Arrays.copyOf(png, 20), Reason.TRUNCATED_IMAGE).hasMessage(
                "The PNG data ends after 20 bytes, inside the IHDR header");
    }

    @Test
    void truncatedWebpBmpAndTiff() {
        byte[] webp = resource("lossy.webp");
        rejecting(Arrays.copyOf(webp, webp.length - 10), Reason.TRUNCATED_IMAGE).hasMessage(
                "The WebP data ends after %d bytes, but its RIFF header declares %d bytes", webp.length - 10,
                webp.length);
        byte[] bmp = encode(bands(64, 32, RED, BLUE), "bmp");
        rejecting(Arrays.copyOf(bmp, bmp.length / 2), Reason.TRUNCATED_IMAGE).hasMessage(
                "The BMP data ends after %,d bytes, but its 64 x 32 pixels at 24 bits need %d bytes",
                bmp.length / 2, bmp.length);
        byte[] tiff = encode(bands(64, 32, RED, BLUE), "tiff");
        ImagePreprocessor acceptingTiff = new ImagePreprocessor(Preprocessing.imagenet(16),
                ImageLimits.DEFAULT.withAcceptTiff(true));
        rejecting(acceptingTiff, Arrays.copyOf(tiff, tiff.length / 2), Reason.TRUNCATED_IMAGE)
                .hasMessageStartingWith("The TIFF data ends after");
    }

    /** Only the first frame is decoded, so only the first frame must be whole. */
    @Test
    void truncatedGifs() throws Exception {
        byte[] gif = encode(bands(64, 32, RED, BLUE), "gif");
        byte[] animated = TestImages.animatedGif(bands(64, 32, RED, BLUE), bands(64, 32, GREEN));

        rejecting(Arrays.copyOf(gif, gif.length - 3), Reason.TRUNCATED_IMAGE).hasMessage(
                "The GIF data ends after %d bytes, inside the image data of the first frame", gif.length - 3);
        rejecting(Arrays.copyOf(gif, 10), Reason.TRUNCATED_IMAGE).hasMessage(
                "The GIF data ends after 10 bytes, inside the logical screen descriptor");
        preprocessor.preprocess(Arrays.copyOf(gif, gif.length - 1)); // without its trailer
        preprocessor.preprocess(Arrays.copyOf(animated, animated.length - 20)); // cut in the second frame
    }

    @Test
    void corruptHeaders() {
        rejecting(png(16, 16, 3, 2, new byte[0]), Reason.CORRUPT_IMAGE)
                .hasMessage("Corrupt PNG header: bit depth 3 is not allowed with colour type 2");
        rejecting(png(0, 16, 8, 2, new byte[0]), Reason.CORRUPT_IMAGE)
                .hasMessage("Corrupt PNG header: IHDR declares 0 x 16 pixels");
    }

    @Test
    void dataTheDecoderRejects() {
        byte[] damaged = png(16, 16, 8, 2, "not a zlib stream".getBytes(StandardCharsets.US_ASCII));

        rejecting(damaged, Reason.CORRUPT_IMAGE).hasMessage("OpenCV could not decode the PNG data of a 16 x 16 image");
    }

    /** 100000 x 100000 RGB would be 30 GB decoded: the header alone must refuse it. */
    @Test
    void decompressionBombsAreRefusedFromTheirHeader() {
        rejecting(png(100_000, 100_000, 8, 2, new byte[] {0x78, (byte) 0x9C}), Reason.IMAGE_TOO_LARGE)
                .hasMessage("The PNG header declares 100000 x 100000 pixels (10,000,000,000); at most 50,000,000 "
                        + "pixels and 16384 a side are accepted");
        byte[] jpegBomb = jpeg.clone();
        int sof = TestImages.jpegMarker(jpegBomb, 0xC0);
        jpegBomb[sof + 5] = (byte) 0xEA; // height 60000
        jpegBomb[sof + 6] = (byte) 0x60;
        jpegBomb[sof + 7] = (byte) 0xEA; // width 60000
        jpegBomb[sof + 8] = (byte) 0x60;
        rejecting(jpegBomb, Reason.IMAGE_TOO_LARGE).hasMessageStartingWith("The JPEG header declares 60000 x 60000");
        // GIF sizes are 16-bit: 65535 a side is the most a GIF can declare, on its screen or its first frame.
        rejecting(TestImages.gif(65_535, 65_535, 1, 1), Reason.IMAGE_TOO_LARGE).hasMessage("The GIF header declares "
                + "65535 x 65535 pixels (4,294,836,225); at most 50,000,000 pixels and 16384 a side are accepted");
        rejecting(TestImages.gif(1, 1, 65_535, 65_535), Reason.IMAGE_TOO_LARGE)
                .hasMessageStartingWith("The GIF header declares 65535 x 65535 pixels");
    }

    @Test
    void aLongSideIsRefusedEvenWithFewPixels() throws Exception {
        ImagePreprocessor narrow = new ImagePreprocessor(Preprocessing.imagenet(16), new ImageLimits(1 << 20, 10_000, 50));

        rejecting(narrow, encode(bands(64, 8, RED), "png"), Reason.IMAGE_TOO_LARGE)
                .hasMessage("The PNG header declares 64 x 8 pixels (512); at most 10,000 pixels and 50 a side are "
                        + "accepted");
        narrow.preprocess(encode(bands(50, 8, RED), "png"));
    }

    /** An ISO BMFF file type box: size, "ftyp", major brand, minor version 0, compatible brands. */
    private static byte[] ftyp(String major, String... compatible) {
        byte[] box = new byte[16 + 4 * compatible.length];
        box[3] = (byte) box.length;
        System.arraycopy("ftyp".getBytes(StandardCharsets.US_ASCII), 0, box, 4, 4);
        System.arraycopy(major.getBytes(StandardCharsets.US_ASCII), 0, box, 8, 4);
        for (int i = 0; i < compatible.length; i++) {
            System.arraycopy(compatible[i].getBytes(StandardCharsets.US_ASCII), 0, box, 16 + 4 * i, 4);
        }
        return box;
    }
}
