package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RegionScore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Odd but valid images are predicted, and predicted as the plain RGB image they show: the same probabilities
 * exactly where both encodings are lossless, and nearly where one is a JPEG.
 */
@QuarkusTest
@QuarkusTestResource(StreamingStackResource.class)
class OddImagesTest {

    private static final double LOSSLESS = 1e-6;
    private static final double LOSSY = 0.02;
    private static TopicProbe probe;

    @BeforeAll
    static void openProbe() {
        probe = new TopicProbe();
    }

    @AfterAll
    static void closeProbe() throws InterruptedException {
        probe.close();
    }

    private static RegionPrediction predict(String id, byte[] image) {
        probe.send(TopicProbe.event(id, image, null));
        return probe.awaitPrediction(id).value();
    }

    private static void assertSamePrediction(RegionPrediction odd, RegionPrediction plain, double tolerance) {
        assertThat(odd.getTopRegions()).hasSameSizeAs(plain.getTopRegions());
        for (int k = 0; k < plain.getTopRegions().size(); k++) {
            RegionScore expected = plain.getTopRegions().get(k);
            RegionScore actual = odd.getTopRegions().get(k);
            if (tolerance == LOSSLESS) {
                assertThat(actual.getRegionId()).isEqualTo(expected.getRegionId());
            }
            assertThat(actual.getProbability()).isCloseTo(expected.getProbability(), within(tolerance));
        }
    }

    @Test
    void grayscaleIsPredictedAsTheSameGrayInRgb() {
        BufferedImage gray = TestImages.gray(64, 64, BufferedImage.TYPE_BYTE_GRAY, 140);
        BufferedImage rgb = TestImages.uniform(64, 64, BufferedImage.TYPE_3BYTE_BGR, new Color(140, 140, 140));

        assertSamePrediction(predict("odd-gray", TestImages.encode(gray, "png")),
                predict("odd-gray-rgb", TestImages.encode(rgb, "png")), LOSSLESS);
    }

    @Test
    void alphaIsDroppedAndTheColourPredicted() {
        BufferedImage translucent = TestImages.uniform(64, 64, BufferedImage.TYPE_INT_ARGB, new Color(10, 200, 30, 100));
        BufferedImage opaque = TestImages.uniform(64, 64, BufferedImage.TYPE_3BYTE_BGR, new Color(10, 200, 30));

        assertSamePrediction(predict("odd-alpha", TestImages.encode(translucent, "png")),
                predict("odd-alpha-rgb", TestImages.encode(opaque, "png")), LOSSLESS);
    }

    @Test
    void sixteenBitSamplesArePredictedByTheirHighByte() {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(64, 64);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                raster.setPixel(x, y, new int[] {0xC8FF, 0x3210, 0x7F7F});
            }
        }
        BufferedImage deep = new BufferedImage(model, raster, false, null);
        BufferedImage plain = TestImages.uniform(64, 64, BufferedImage.TYPE_3BYTE_BGR, new Color(0xC8, 0x32, 0x7F));

        assertSamePrediction(predict("odd-16bit", TestImages.encode(deep, "png")),
                predict("odd-16bit-rgb", TestImages.encode(plain, "png")), LOSSLESS);
    }

    @Test
    void anExifRotatedJpegIsPredictedUpright() {
        BufferedImage stored = TestImages.bands(96, 64, TestImages.RED, TestImages.GREEN, TestImages.BLUE);
        byte[] rotated = TestImages.withExifOrientation(TestImages.jpeg(stored, false), 6);
        // Orientation 6 shows the stored image turned 90 degrees clockwise: left to right becomes top to bottom.
        BufferedImage shown = new BufferedImage(64, 96, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 64; x++) {
                shown.setRGB(x, y, stored.getRGB(y, 63 - x));
            }
        }

        assertSamePrediction(predict("odd-exif", rotated), predict("odd-exif-upright", TestImages.encode(shown, "png")),
                LOSSY);
    }

    @Test
    void progressiveAndCmykJpegsArePredicted() {
        BufferedImage image = TestImages.bands(64, 64, TestImages.RED, TestImages.BLUE);
        assertSamePrediction(predict("odd-progressive", TestImages.jpeg(image, true)),
                predict("odd-baseline", TestImages.jpeg(image, false)), LOSSY);

        // cmyk.jpg (region-model's test jar): 32 x 16, red | blue, Adobe CMYK
        assertSamePrediction(predict("odd-cmyk", TestImages.resource("/dev/geoloc/imaging/cmyk.jpg")),
                predict("odd-cmyk-rgb", TestImages.encode(TestImages.bands(32, 16, TestImages.RED, TestImages.BLUE), "png")),
                LOSSY);
    }

    @Test
    void webpIsPredicted() {
        assertThat(predict("odd-webp", TestImages.resource("/dev/geoloc/imaging/lossy.webp")).getTopRegions()).hasSize(3);
    }

    @Test
    void anAnimatedGifIsPredictedFromItsFirstFrame() {
        byte[] gif = TestImages.animatedGif(TestImages.bands(32, 16, TestImages.RED, TestImages.BLUE),
                TestImages.bands(32, 16, TestImages.GREEN));

        assertSamePrediction(predict("odd-gif", gif),
                predict("odd-gif-png", TestImages.encode(TestImages.bands(32, 16, TestImages.RED, TestImages.BLUE), "png")),
                LOSSY);
    }
}
