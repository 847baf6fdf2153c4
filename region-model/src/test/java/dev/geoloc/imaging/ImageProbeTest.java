package dev.geoloc.imaging;

import static dev.geoloc.imaging.TestImages.BLUE;
import static dev.geoloc.imaging.TestImages.RED;
import static dev.geoloc.imaging.TestImages.bands;
import static dev.geoloc.imaging.TestImages.concat;
import static dev.geoloc.imaging.TestImages.encode;
import static dev.geoloc.imaging.TestImages.gif;
import static dev.geoloc.imaging.TestImages.jpeg;
import static dev.geoloc.imaging.TestImages.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ImageProbeTest {

    private static final ImageLimits LIMITS = ImageLimits.DEFAULT.withAcceptTiff(true);

    @Test
    void readsFormatAndSizeOfEachSupportedFormat() throws Exception {
        var image = bands(64, 32, RED, BLUE);
        ImageInfo expected = new ImageInfo(ImageFormat.JPEG, 64, 32);

        assertThat(probe(jpeg(image, false))).isEqualTo(expected);
        assertThat(probe(jpeg(image, true))).isEqualTo(expected);
        assertThat(probe(TestImages.withExifOrientation(jpeg(image, false), 6))).isEqualTo(expected);
        assertThat(probe(resource("cmyk.jpg"))).isEqualTo(new ImageInfo(ImageFormat.JPEG, 32, 16));
        assertThat(probe(encode(image, "png"))).isEqualTo(new ImageInfo(ImageFormat.PNG, 64, 32));
        assertThat(probe(encode(image, "bmp"))).isEqualTo(new ImageInfo(ImageFormat.BMP, 64, 32));
        assertThat(probe(encode(image, "tiff"))).isEqualTo(new ImageInfo(ImageFormat.TIFF, 64, 32));
        assertThat(probe(resource("little-endian.tif"))).isEqualTo(new ImageInfo(ImageFormat.TIFF, 32, 16));
        for (String webp : new String[] {"lossy.webp", "lossless.webp", "alpha.webp"}) {
            assertThat(probe(resource(webp))).as(webp).isEqualTo(new ImageInfo(ImageFormat.WEBP, 32, 16));
        }
        assertThat(probe(encode(image, "gif"))).isEqualTo(new ImageInfo(ImageFormat.GIF, 64, 32));
    }

    /** The reader allocates the first frame, a viewer the logical screen: the larger of each side counts. */
    @Test
    void aGifIsAsLargeAsItsScreenOrItsFirstFrame() throws Exception {
        assertThat(probe(gif(500, 400, 30, 20))).isEqualTo(new ImageInfo(ImageFormat.GIF, 500, 400));
        assertThat(probe(gif(1, 1, 300, 200))).isEqualTo(new ImageInfo(ImageFormat.GIF, 300, 200));
        assertThat(probe(gif(0, 0, 300, 200))).isEqualTo(new ImageInfo(ImageFormat.GIF, 300, 200));
        assertThat(probe(gif(300, 100, 10, 200))).isEqualTo(new ImageInfo(ImageFormat.GIF, 300, 200));
    }

    @Test
    void gifExtensionsBeforeTheFirstFrameAreSkipped() throws Exception {
        byte[] plain = gif(8, 8, 8, 8);
        byte[] comment = {0x21, (byte) 0xFE, 3, 'a', 'b', 'c', 2, 'd', 'e', 0};
        byte[] commented = concat(Arrays.copyOf(plain, 19), comment, Arrays.copyOfRange(plain, 19, plain.length));

        assertThat(probe(commented)).isEqualTo(new ImageInfo(ImageFormat.GIF, 8, 8));
        ImageProbe.checkDecodable(probe(commented), commented, LIMITS);
        assertThatThrownBy(() -> probe(Arrays.copyOf(commented, 24)))
                .hasMessage("The GIF data ends after 24 bytes, before the first image");
    }

    @Test
    void gifStructureErrors() {
        byte[] plain = gif(8, 8, 8, 8);
        byte[] noImage = concat(Arrays.copyOf(plain, 19), new byte[] {0x3B});
        byte[] unknownBlock = concat(Arrays.copyOf(plain, 19), new byte[] {0x42, 0x3B});

        assertThatThrownBy(() -> probe(noImage)).hasMessage("Corrupt GIF header: the trailer comes before any image");
        assertThatThrownBy(() -> probe(unknownBlock))
                .hasMessage("Corrupt GIF header: unknown block type 0x42 at byte 19");
        assertThatThrownBy(() -> probe(gif(8, 8, 0, 8)))
                .hasMessage("Corrupt GIF header: the first image descriptor declares 0 x 8 pixels");
        assertThatThrownBy(() -> probe(Arrays.copyOf(plain, 9)))
                .hasMessage("The GIF data ends after 9 bytes, inside the logical screen descriptor");
    }

    @Test
    void jpegFillBytesBeforeAMarkerAreSkipped() throws Exception {
        byte[] jpeg = jpeg(bands(64, 32, RED, BLUE), false);
        byte[] filled = concat(Arrays.copyOf(jpeg, 2), new byte[] {(byte) 0xFF, (byte) 0xFF},
                Arrays.copyOfRange(jpeg, 2, jpeg.length));

        assertThat(probe(filled)).isEqualTo(new ImageInfo(ImageFormat.JPEG, 64, 32));
        ImageProbe.checkDecodable(probe(filled), filled, LIMITS);
    }

    @Test
    void readsLargeSizesWithoutDecoding() throws Exception {
        assertThat(probe(TestImages.png(100_000, 70_000, 8, 6, new byte[0])))
                .isEqualTo(new ImageInfo(ImageFormat.PNG, 100_000, 70_000));
        assertThat(probe(webp("VP8X", new byte[] {0, 0, 0, 0, 0x1F, 0x4E, 0, (byte) 0x97, 0x3A, 0})))
                .as("VP8X, 24-bit sizes minus one").isEqualTo(new ImageInfo(ImageFormat.WEBP, 20_000, 15_000));
        assertThat(probe(webp("VP8L", new byte[] {0x2F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F})))
                .as("VP8L, 14-bit sizes minus one").isEqualTo(new ImageInfo(ImageFormat.WEBP, 16_384, 16_384));
        assertThat(probe(bmpHeader(40_000, -30_000)))
                .as("a negative height is a top-down bitmap").isEqualTo(new ImageInfo(ImageFormat.BMP, 40_000, 30_000));
    }

    @Test
    void headersCutShortAreTruncated() {
        assertThatThrownBy(() -> probe(Arrays.copyOf(resource("lossy.webp"), 24)))
                .hasMessage("The WebP data ends after 24 bytes, inside the VP8 frame header");
        assertThatThrownBy(() -> probe(Arrays.copyOf(encode(bands(8, 8, RED), "bmp"), 20)))
                .hasMessage("The BMP data ends after 20 bytes, inside the DIB header");
        assertThatThrownBy(() -> probe(Arrays.copyOf(encode(bands(8, 8, RED), "tiff"), 6)))
                .hasMessage("The TIFF data ends after 6 bytes, inside the TIFF header");
        assertThatThrownBy(() -> probe(new byte[] {(byte) 0x89, 'P', 'N'}))
                .hasMessage("The PNG data ends after 3 bytes, inside its signature");
    }

    @Test
    void malformedHeadersAreCorrupt() {
        assertThatThrownBy(() -> probe(webp("VP8 ", new byte[] {0, 0, 0, 1, 2, 3, 0, 0, 0, 0})))
                .hasMessage("Corrupt WebP header: the VP8 chunk does not start with a key frame");
        assertThatThrownBy(() -> probe(webp("ICCP", new byte[10])))
                .hasMessage("Corrupt WebP header: the first chunk is 'ICCP', not VP8, VP8L or VP8X");
        assertThatThrownBy(() -> probe(bmpHeader(0, 10)))
                .hasMessage("Corrupt BMP header: the DIB header declares 0 x 10 pixels");
        byte[] noSof = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDA, 0, 2, (byte) 0xFF, (byte) 0xD9};
        assertThatThrownBy(() -> probe(noSof))
                .hasMessage("Corrupt JPEG header: no frame header (SOF) before the first scan");
    }

    @Test
    void everyRefusalCarriesItsReason() {
        assertThat(reasonFor(new byte[0])).isEqualTo(Reason.EMPTY_IMAGE);
        assertThat(reasonFor("%PDF-1.7".getBytes())).isEqualTo(Reason.NOT_AN_IMAGE);
        assertThat(reasonFor(new byte[] {(byte) 0xFF, 0x0A, 1, 2, 3})).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThat(reasonFor(encode(bands(8, 8, RED), "tiff"), ImageLimits.DEFAULT))
                .isEqualTo(Reason.UNSUPPORTED_FORMAT);
        assertThatThrownBy(() -> probe(new byte[] {'I', 'I', 43, 0, 8, 0, 0, 0}))
                .hasMessage("TIFF images with 64-bit offsets (BigTIFF) are not supported");
        assertThat(reasonFor(new byte[] {(byte) 0xFF, (byte) 0xD8})).isEqualTo(Reason.TRUNCATED_IMAGE);
        assertThat(reasonFor(bmpHeader(10, 0))).isEqualTo(Reason.CORRUPT_IMAGE);
    }

    private static ImageInfo probe(byte[] data) throws ImageRejectedException {
        return ImageProbe.probe(data, LIMITS);
    }

    private static Reason reasonFor(byte[] data) {
        return reasonFor(data, LIMITS);
    }

    private static Reason reasonFor(byte[] data, ImageLimits limits) {
        try {
            ImageProbe.probe(data, limits);
            throw new AssertionError("accepted");
        } catch (ImageRejectedException e) {
            return e.reason();
        }
    }

    /** A RIFF WebP container whose first chunk is {@code chunk} with {@code payload}. */
    private static byte[] webp(String chunk, byte[] payload) {
        ByteBuffer riff = ByteBuffer.allocate(20 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        riff.put("RIFF".getBytes()).putInt(12 + payload.length).put("WEBP".getBytes());
        riff.put(chunk.getBytes()).putInt(payload.length).put(payload);
        return riff.array();
    }

    /** A BMP file header and BITMAPINFOHEADER, without pixels. */
    private static byte[] bmpHeader(int width, int height) {
        ByteBuffer bmp = ByteBuffer.allocate(54).order(ByteOrder.LITTLE_ENDIAN);
        bmp.put("BM".getBytes()).putInt(54).putInt(0).putInt(54);
        bmp.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0);
        return bmp.array();
    }
}
