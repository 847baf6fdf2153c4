package dev.geoloc.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Decodes a GIF's first frame with the JDK's ImageIO reader: OpenCV 4.9 has no GIF decoder, and ImageIO's is pure
 * Java, so bad data ends in an exception, not in native memory. An animation's later frames are not read. The frame
 * is taken at its own size, without the logical screen around it; its transparent pixels keep the colour their
 * palette entry holds, as alpha is dropped from other formats.
 */
final class GifDecoder {

    private GifDecoder() {
    }

    /** @return the first frame as 8-bit BGR, in a Mat that {@code mats} releases */
    static Mat firstFrame(byte[] data, MatScope mats) throws ImageRejectedException {
        BufferedImage frame = read(data);
        // ImageIO's GIF reader always decodes to the frame's palette. 256 entries: any 8-bit index reads one, and
        // those past a shorter palette read black.
        int[] palette = new int[256];
        ((IndexColorModel) frame.getColorModel()).getRGBs(palette);
        int width = frame.getWidth();
        int height = frame.getHeight();
        Mat bgr = mats.add(new Mat(height, width, CvType.CV_8UC3));
        Raster raster = frame.getRaster();
        int[] indices = new int[width];
        byte[] row = new byte[3 * width];
        for (int y = 0; y < height; y++) {
            raster.getSamples(0, y, width, 1, 0, indices);
            for (int x = 0; x < width; x++) {
                int rgb = palette[indices[x]];
                row[3 * x] = (byte) rgb;
                row[3 * x + 1] = (byte) (rgb >> 8);
                row[3 * x + 2] = (byte) (rgb >> 16);
            }
            bgr.put(y, 0, row);
        }
        return bgr;
    }

    private static BufferedImage read(byte[] data) throws ImageRejectedException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        // Built directly: ImageIO.createImageInputStream would cache the stream in a temporary file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader.setInput(in, true, true);
            return reader.read(0);
        } catch (IOException | RuntimeException e) {
            // ImageIO's readers meet some bad data with unchecked exceptions (an index out of a table's bounds).
            throw new ImageRejectedException(Reason.CORRUPT_IMAGE, "ImageIO could not decode the first frame of the "
                    + "GIF: " + e);
        } finally {
            reader.dispose();
        }
    }
}
