package dev.geoloc.imaging;

import static dev.geoloc.imaging.TestImages.BLUE;
import static dev.geoloc.imaging.TestImages.GREEN;
import static dev.geoloc.imaging.TestImages.RED;
import static dev.geoloc.imaging.TestImages.bands;
import static dev.geoloc.imaging.TestImages.encode;
import static dev.geoloc.imaging.TestImages.jpeg;
import static dev.geoloc.imaging.TestImages.resource;
import static dev.geoloc.imaging.TestImages.uniform;
import static dev.geoloc.imaging.TestImages.withExifOrientation;
import static dev.geoloc.imaging.Tensor.rgb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    /** Lossless formats give exact values; float rounding in normalising and back stays far below this. */
    private static final Offset<Float> EXACT = within(0.01f);
    /** JPEG and lossy WebP move pure colours by a few levels. */
    private static final Offset<Float> LOSSY = within(6f);

    /** Accepting TIFF too, which {@link ImageLimits#DEFAULT} does not. */
    private static ImagePreprocessor preprocessor(int size, ResizePolicy resize) {
        Preprocessing imagenet = Preprocessing.imagenet(size);
        return new ImagePreprocessor(new Preprocessing(size, imagenet.mean(), imagenet.std(), resize),
                ImageLimits.DEFAULT.withAcceptTiff(true));
    }

    @Test
    void eachValueIsTheNormalisedRgbSampleInChannelRowColumnOrder() throws Exception {
        BufferedImage gradient = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                gradient.setRGB(x, y, new Color(8 * x, 8 * y, 100).getRGB());
            }
        }
        ImagePreprocessor preprocessor = preprocessor(32, ResizePolicy.STRETCH);

        float[] tensor = preprocessor.preprocess(encode(gradient, "png"));

        assertThat(tensor).hasSize(3 * 32 * 32);
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int[] rgb = {8 * x, 8 * y, 100};
                for (int c = 0; c < 3; c++) {
                    float expected = (rgb[c] / 255f - mean[c]) / std[c];
                    assertThat(tensor[c * 32 * 32 + y * 32 + x]).as("c=%d x=%d y=%d", c, x, y)
                            .isCloseTo(expected, within(1e-6f));
                }
            }
        }
    }

    @Test
    void redAndBlueLandInTheirOwnChannels() throws Exception {
        Tensor tensor = Tensor.of(preprocessor(16, ResizePolicy.STRETCH), encode(bands(64, 32, RED, BLUE), "png"));

        for (int y = 0; y < 16; y++) {
            assertThat(tensor.rgb(0, y)).containsExactly(rgb(255, 0, 0), EXACT);
            assertThat(tensor.rgb(7, y)).containsExactly(rgb(255, 0, 0), EXACT);
            assertThat(tensor.rgb(8, y)).containsExactly(rgb(0, 0, 255), EXACT);
            assertThat(tensor.rgb(15, y)).containsExactly(rgb(0, 0, 255), EXACT);
        }
    }

    @Test
    void centerCropKeepsTheMiddleSquareWhileStretchKeepsEverything() throws Exception {
        byte[] wide = encode(bands(96, 32, RED, GREEN, BLUE), "png");

        Tensor cropped = Tensor.of(preprocessor(16, ResizePolicy.CENTER_CROP), wide);
        Tensor stretched = Tensor.of(preprocessor(16, ResizePolicy.STRETCH), wide);

        for (int x = 0; x < 16; x++) {
            assertThat(cropped.rgb(x, 8)).as("x=%d", x).containsExactly(rgb(0, 255, 0), EXACT);
        }
        assertThat(stretched.rgb(0, 8)).containsExactly(rgb(255, 0, 0), EXACT);
        assertThat(stretched.rgb(8, 8)).containsExactly(rgb(0, 255, 0), EXACT);
        assertThat(stretched.rgb(15, 8)).containsExactly(rgb(0, 0, 255), EXACT);
    }

    /** The crop is already the input size: it is read straight out of the decoded image, row by row. */
    @Test
    void aCropThatNeedsNoResizingIsCopiedAsIs() throws Exception {
        Tensor cropped = Tensor.of(preprocessor(32, ResizePolicy.CENTER_CROP), encode(bands(48, 32, RED, GREEN, BLUE),
                "png"));

        for (int y : new int[] {0, 31}) {
            assertThat(cropped.rgb(7, y)).containsExactly(rgb(255, 0, 0), EXACT);
            assertThat(cropped.rgb(8, y)).containsExactly(rgb(0, 255, 0), EXACT);
            assertThat(cropped.rgb(23, y)).containsExactly(rgb(0, 255, 0), EXACT);
            assertThat(cropped.rgb(24, y)).containsExactly(rgb(0, 0, 255), EXACT);
        }
    }

    @Test
    void centerCropOfATallImageKeepsItsMiddleRows() throws Exception {
        BufferedImage tall = new BufferedImage(32, 96, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = tall.createGraphics();
        g.setColor(RED);
        g.fillRect(0, 0, 32, 32);
        g.setColor(GREEN);
        g.fillRect(0, 32, 32, 32);
        g.setColor(BLUE);
        g.fillRect(0, 64, 32, 32);
        g.dispose();

        Tensor cropped = Tensor.of(preprocessor(16, ResizePolicy.CENTER_CROP), encode(tall, "png"));

        assertThat(cropped.rgb(8, 0)).containsExactly(rgb(0, 255, 0), EXACT);
        assertThat(cropped.rgb(8, 15)).containsExactly(rgb(0, 255, 0), EXACT);
    }

    @Test
    void smallImagesAreEnlarged() throws Exception {
        Tensor tensor = Tensor.of(preprocessor(64, ResizePolicy.CENTER_CROP), encode(bands(8, 8, RED, BLUE), "png"));

        assertThat(tensor.rgb(0, 30)).containsExactly(rgb(255, 0, 0), EXACT);
        assertThat(tensor.rgb(63, 30)).containsExactly(rgb(0, 0, 255), EXACT);
    }

    @Test
    void baselineAndProgressiveJpegsDecodeAlike() throws Exception {
        BufferedImage image = bands(64, 32, RED, BLUE);
        byte[] baseline = jpeg(image, false);
        byte[] progressive = jpeg(image, true);
        ImagePreprocessor preprocessor = preprocessor(16, ResizePolicy.STRETCH);

        assertThat(progressive[TestImages.jpegMarker(progressive, 0xC2) + 1]).as("SOF2").isEqualTo((byte) 0xC2);
        for (byte[] jpeg : List.of(baseline, progressive)) {
            Tensor tensor = Tensor.of(preprocessor, jpeg);
            assertThat(tensor.rgb(2, 8)).containsExactly(rgb(255, 0, 0), LOSSY);
            assertThat(tensor.rgb(13, 8)).containsExactly(rgb(0, 0, 255), LOSSY);
        }
    }

    @Test
    void grayscaleImagesFillAllThreeChannels() throws Exception {
        BufferedImage gray = TestImages.gray(32, 32, BufferedImage.TYPE_BYTE_GRAY, 128);
        ImagePreprocessor preprocessor = preprocessor(16, ResizePolicy.CENTER_CROP);

        assertThat(Tensor.of(preprocessor, encode(gray, "png")).rgb(5, 5)).containsExactly(rgb(128, 128, 128), EXACT);
        assertThat(Tensor.of(preprocessor, jpeg(gray, false)).rgb(5, 5)).containsExactly(rgb(128, 128, 128), LOSSY);
    }

    @Test
    void alphaIsDroppedNotBlended() throws Exception {
        BufferedImage translucent = uniform(32, 32, BufferedImage.TYPE_INT_ARGB, new Color(10, 200, 30, 128));
        byte[] png = encode(translucent, "png");

        assertThat(png[25]).as("PNG colour type: RGB with alpha").isEqualTo((byte) 6);
        assertThat(Tensor.of(preprocessor(16, ResizePolicy.CENTER_CROP), png).rgb(5, 5))
                .containsExactly(rgb(10, 200, 30), EXACT);
    }

    @Test
    void sixteenBitSamplesKeepTheirHighByte() throws Exception {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(32, 32);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                raster.setPixel(x, y, new int[] {0xFFFF, 0x8080, 0x0101});
            }
        }
        byte[] png = encode(new BufferedImage(model, raster, false, null), "png");
        byte[] gray16 = encode(TestImages.gray(32, 32, BufferedImage.TYPE_USHORT_GRAY, 0x40FF), "png");
        ImagePreprocessor preprocessor = preprocessor(16, ResizePolicy.CENTER_CROP);

        assertThat(png[24]).as("PNG bit depth").isEqualTo((byte) 16);
        assertThat(gray16[24]).as("PNG bit depth").isEqualTo((byte) 16);
        assertThat(Tensor.of(preprocessor, png).rgb(5, 5)).containsExactly(rgb(255, 128, 1), EXACT);
        assertThat(Tensor.of(preprocessor, gray16).rgb(5, 5)).containsExactly(rgb(64, 64, 64), EXACT);
    }

    @Test
    void palettePngsAreExpanded() throws Exception {
        byte[] png = encode(bands(64, 32, BufferedImage.TYPE_BYTE_INDEXED, RED, BLUE), "png");

        assertThat(png[25]).as("PNG colour type: palette").isEqualTo((byte) 3);
        Tensor tensor = Tensor.of(preprocessor(16, ResizePolicy.STRETCH), png);
        assertThat(tensor.rgb(2, 8)).containsExactly(rgb(255, 0, 0), EXACT);
        assertThat(tensor.rgb(13, 8)).containsExactly(rgb(0, 0, 255), EXACT);
    }

    /** cmyk.jpg: 32 x 16, red | blue, Adobe CMYK, made by make_samples.py next to it. */
    @Test
    void cmykJpegsComeOutInRgb() throws Exception {
        byte[] cmyk = resource("cmyk.jpg");

        assertThat(cmyk[TestImages.jpegMarker(cmyk, 0xC0) + 9]).as("components").isEqualTo((byte) 4);
        Tensor tensor = Tensor.of(preprocessor(16, ResizePolicy.STRETCH), cmyk);
        assertThat(tensor.rgb(2, 8)).containsExactly(rgb(255, 0, 0), LOSSY);
        assertThat(tensor.rgb(13, 8)).containsExactly(rgb(0, 0, 255), LOSSY);
    }

    /** Orientation 6: the stored image must be turned 90 degrees clockwise, so its left column becomes the top row. */
    @Test
    void exifOrientationIsApplied() throws Exception {
        byte[] upright = jpeg(bands(64, 32, RED, BLUE), false);
        byte[] rotated = withExifOrientation(upright, 6);
        ImagePreprocessor preprocessor = preprocessor(16, ResizePolicy.STRETCH);

        Tensor asStored = Tensor.of(preprocessor, withExifOrientation(upright, 1));
        Tensor turned = Tensor.of(preprocessor, rotated);

        assertThat(ImageProbe.probe(rotated, ImageLimits.DEFAULT)).isEqualTo(new ImageInfo(ImageFormat.JPEG, 64, 32));
        assertThat(asStored.rgb(2, 8)).containsExactly(rgb(255, 0, 0), LOSSY);
        assertThat(turned.rgb(8, 2)).containsExactly(rgb(255, 0, 0), LOSSY);
        assertThat(turned.rgb(8, 13)).containsExactly(rgb(0, 0, 255), LOSSY);
        assertThat(turned.rgb(2, 8)).isNotEqualTo(asStored.rgb(2, 8));
    }

    @Test
    void exifOrientationSurvivesReducedDecoding() throws Exception {
        byte[] rotated = withExifOrientation(jpeg(bands(1024, 512, RED, BLUE), false), 6);
        ImageInfo info = ImageProbe.probe(rotated, ImageLimits.DEFAULT);

        assertThat(ResizePlan.reduction(info, 64)).isEqualTo(8);
        Tensor turned = Tensor.of(preprocessor(64, ResizePolicy.STRETCH), rotated);
        assertThat(turned.rgb(32, 4)).containsExactly(rgb(255, 0, 0), LOSSY);
        assertThat(turned.rgb(32, 60)).containsExactly(rgb(0, 0, 255), LOSSY);
    }

    /** A large smooth gradient goes through the reduced JPEG decoder and the crop: the geometry must hold. */
    @Test
    void reducedDecodingKeepsTheCropGeometry() throws Exception {
        BufferedImage gradient = new BufferedImage(1280, 960, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 960; y++) {
            for (int x = 0; x < 1280; x++) {
                gradient.setRGB(x, y, new Color(x * 255 / 1279, y * 255 / 959, 60).getRGB());
            }
        }
        byte[] jpeg = jpeg(gradient, false);

        assertThat(ResizePlan.reduction(ImageProbe.probe(jpeg, ImageLimits.DEFAULT), 224)).isEqualTo(4);
        Tensor tensor = Tensor.of(preprocessor(224, ResizePolicy.CENTER_CROP), jpeg);
        for (int j : new int[] {0, 50, 111, 170, 223}) {
            // Output pixel j covers source pixels from 160 + j * 960 / 224 (the crop drops 160 columns each side).
            float sourceX = 160 + (j + 0.5f) * 960 / 224;
            float sourceY = (j + 0.5f) * 960 / 224;
            assertThat(tensor.rgb(j, j)).as("j=%d", j)
                    .containsExactly(rgb(sourceX * 255 / 1279, sourceY * 255 / 959, 60), within(3f));
        }
    }

    /** The WebP samples are made by make_samples.py next to them: 32 x 16, red | blue. */
    @Test
    void webpLossyLosslessAndWithAlpha() throws Exception {
        ImagePreprocessor preprocessor = preprocessor(16, ResizePolicy.STRETCH);
        for (String name : List.of("lossy.webp", "lossless.webp", "alpha.webp")) {
            Tensor tensor = Tensor.of(preprocessor, resource(name));
            assertThat(tensor.rgb(2, 8)).as(name).containsExactly(rgb(255, 0, 0), LOSSY);
            assertThat(tensor.rgb(13, 8)).as(name).containsExactly(rgb(0, 0, 255), LOSSY);
        }
    }

    @Test
    void bmpAndTiff() throws Exception {
        BufferedImage image = bands(64, 32, RED, BLUE);
        ImagePreprocessor preprocessor = preprocessor(16, ResizePolicy.STRETCH);
        for (String format : List.of("bmp", "tiff")) {
            Tensor tensor = Tensor.of(preprocessor, encode(image, format));
            assertThat(tensor.rgb(2, 8)).as(format).containsExactly(rgb(255, 0, 0), EXACT);
            assertThat(tensor.rgb(13, 8)).as(format).containsExactly(rgb(0, 0, 255), EXACT);
        }
        Tensor littleEndian = Tensor.of(preprocessor, resource("little-endian.tif"));
        assertThat(littleEndian.rgb(2, 8)).containsExactly(rgb(255, 0, 0), EXACT);
        assertThat(littleEndian.rgb(13, 8)).containsExactly(rgb(0, 0, 255), EXACT);
    }

    /** The second frame, all green, must not show; the first is the same image as the PNG, pixel for pixel. */
    @Test
    void gifsGiveTheirFirstFrame() throws Exception {
        BufferedImage first = bands(96, 48, RED, GREEN, BLUE);
        byte[] gif = TestImages.animatedGif(first, bands(96, 48, GREEN));
        ImagePreprocessor preprocessor = preprocessor(24, ResizePolicy.CENTER_CROP);

        assertThat(frames(gif)).isEqualTo(2);
        assertThat(preprocessor.preprocess(gif)).containsExactly(preprocessor.preprocess(encode(first, "png")),
                within(1e-6f));
        assertThat(Tensor.of(preprocessor, gif).rgb(2, 12)).containsExactly(rgb(255, 0, 0), EXACT);
    }

    @Test
    void writesIntoItsSlotOfABatchAndNowhereElse() throws Exception {
        ImagePreprocessor preprocessor = preprocessor(8, ResizePolicy.CENTER_CROP);
        int length = preprocessor.spec().tensorLength();
        byte[] red = encode(bands(16, 16, RED), "png");
        float[] batch = new float[1 + 2 * length + 1];
        Arrays.fill(batch, Float.NaN);

        preprocessor.preprocess(red, batch, 1 + length);

        assertThat(batch[0]).isNaN();
        assertThat(Arrays.copyOfRange(batch, 1, 1 + length)).containsOnly(Float.NaN);
        assertThat(Arrays.copyOfRange(batch, 1 + length, 1 + 2 * length)).isEqualTo(preprocessor.preprocess(red));
        assertThat(batch[batch.length - 1]).isNaN();
        assertThatThrownBy(() -> preprocessor.preprocess(red, batch, 3 + length))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void concurrentCallsGiveTheSameTensors() throws Exception {
        ImagePreprocessor preprocessor = preprocessor(32, ResizePolicy.CENTER_CROP);
        List<byte[]> images = List.of(jpeg(bands(120, 80, RED, GREEN, BLUE), false),
                encode(bands(80, 120, BLUE, RED), "png"), resource("lossy.webp"),
                encode(bands(60, 90, GREEN, RED), "gif"));
        List<float[]> expected = new ArrayList<>();
        for (byte[] image : images) {
            expected.add(preprocessor.preprocess(image));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        if (!Arrays.equals(preprocessor.preprocess(images.get(i % 4)), expected.get(i % 4))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int frames(byte[] gif) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(gif))) {
            reader.setInput(in);
            return reader.getNumImages(true);
        } finally {
            reader.dispose();
        }
    }
}
