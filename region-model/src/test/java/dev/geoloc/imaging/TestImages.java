package dev.geoloc.imaging;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Test images built in memory, with patterns whose tensors can be checked value by value. Public, and shipped in
 * this module's test jar, for the stream processor's tests of odd and broken images.
 */
public final class TestImages {

    public static final Color RED = new Color(255, 0, 0);
    public static final Color GREEN = new Color(0, 255, 0);
    public static final Color BLUE = new Color(0, 0, 255);

    private TestImages() {
    }

    /** Vertical bands of equal width, left to right. */
    public static BufferedImage bands(int width, int height, Color... colours) {
        return bands(width, height, BufferedImage.TYPE_3BYTE_BGR, colours);
    }

    public static BufferedImage bands(int width, int height, int type, Color... colours) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        for (int i = 0; i < colours.length; i++) {
            g.setColor(colours[i]);
            g.fillRect(i * width / colours.length, 0, width / colours.length, height);
        }
        g.dispose();
        return image;
    }

    /** Set pixel by pixel: drawing would blend a translucent colour into the transparent background. */
    public static BufferedImage uniform(int width, int height, int type, Color colour) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, colour.getRGB());
            }
        }
        return image;
    }

    /**
     * A grayscale image with every sample set to {@code sample} in the raster. setRGB would not do: Java's gray
     * colour space is linear, so it would convert sRGB 128 to 55.
     */
    public static BufferedImage gray(int width, int height, int type, int sample) {
        BufferedImage image = new BufferedImage(width, height, type);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setSample(x, y, 0, sample);
            }
        }
        return image;
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("ImageIO has no " + format + " writer for this image");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] jpeg(BufferedImage image, boolean progressive) {
        return jpeg(image, progressive, 0.95f);
    }

    /** At a JPEG quality from 0 to 1: lower gives smaller files, as cameras and collectors choose. */
    public static byte[] jpeg(BufferedImage image, boolean progressive, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        if (progressive) {
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** An animated GIF with one frame per image, written by ImageIO's GIF writer as an image sequence. */
    public static byte[] animatedGif(BufferedImage... frames) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
            for (BufferedImage frame : frames) {
                writer.writeToSequence(new IIOImage(frame, null, null), null);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * A GIF from raw parts: a logical screen of {@code screenWidth x screenHeight} with a black and white colour table,
     * one image descriptor declaring {@code width x height}, and LZW data for one black pixel whatever the size.
     */
    public static byte[] gif(int screenWidth, int screenHeight, int width, int height) {
        ByteBuffer gif = ByteBuffer.allocate(13 + 6 + 10 + 1 + 4 + 1).order(ByteOrder.LITTLE_ENDIAN);
        gif.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) screenWidth)
                .putShort((short) screenHeight).put((byte) 0x80).put((byte) 0).put((byte) 0);
        gif.put(new byte[] {0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        gif.put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height)
                .put((byte) 0);
        // Code size 2: the 3-bit codes clear (4), index 0, end (5), least significant bit first.
        gif.put((byte) 2).put(new byte[] {2, 0x44, 0x01, 0});
        gif.put((byte) 0x3B);
        return gif.array();
    }

    /**
     * Inserts an APP1 Exif segment holding only the Orientation tag (0x0112, SHORT) after the JFIF APP0 segment.
     * Layout (Exif 2.3, section 4.5.4): "Exif\0\0", a big-endian TIFF header whose IFD0 starts at byte 8, one
     * 12-byte entry, and a zero next-IFD offset.
     */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer exif = ByteBuffer.allocate(2 + 2 + 6 + 8 + 2 + 12 + 4);
        exif.putShort((short) 0xFFE1).putShort((short) (exif.capacity() - 2));
        exif.put(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        exif.put(new byte[] {'M', 'M', 0, 42}).putInt(8);
        exif.putShort((short) 1);
        exif.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        exif.putInt(0);
        int afterApp0 = 4 + ((jpeg[4] & 0xFF) << 8 | jpeg[5] & 0xFF);
        return concat(Arrays.copyOf(jpeg, afterApp0), exif.array(),
                Arrays.copyOfRange(jpeg, afterApp0, jpeg.length));
    }

    /** The position of the first marker {@code FF code} before the first scan, walking segment by segment. */
    public static int jpegMarker(byte[] jpeg, int code) {
        int pos = 2;
        while ((jpeg[pos + 1] & 0xFF) != code) {
            if ((jpeg[pos + 1] & 0xFF) == 0xDA) {
                throw new IllegalArgumentException("no marker " + Integer.toHexString(code) + " before the scan");
            }
            pos += 2 + ((jpeg[pos + 2] & 0xFF) << 8 | jpeg[pos + 3] & 0xFF);
        }
        return pos;
    }

    /** A PNG from raw parts: signature, IHDR, one IDAT holding {@code idat} as given, IEND; all CRCs right. */
    public static byte[] png(int width, int height, int bitDepth, int colourType, byte[] idat) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) bitDepth).put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0);
        return concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
                pngChunk("IHDR", ihdr.array()), pngChunk("IDAT", idat), pngChunk("IEND", new byte[0]));
    }

    public static byte[] pngChunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
                .putInt((int) crc.getValue()).array();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    public static byte[] resource(String name) {
        try (InputStream in = TestImages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
