package dev.geoloc.imaging;

import java.util.Locale;

/**
 * The GIF structure (GIF89a, also read for GIF87a): the signature, a logical screen descriptor (width and height,
 * 16-bit little-endian; flags; background colour; aspect ratio) and an optional global colour table, then blocks:
 * extensions ({@code 0x21} label, data sub-blocks), images ({@code 0x2C}, a descriptor with left, top, width,
 * height and flags, an optional local colour table, the LZW minimum code size, data sub-blocks) and the trailer
 * {@code 0x3B}. A sequence of sub-blocks is length-prefixed blocks of 1 to 255 bytes ended by a zero length.
 */
final class GifFile {

    private static final int LOGICAL_SCREEN = 6;
    private static final int AFTER_SCREEN = 13;
    private static final int EXTENSION = 0x21;
    private static final int IMAGE = 0x2C;
    private static final int TRAILER = 0x3B;
    /** Image separator, left, top, width, height and flags. */
    private static final int IMAGE_DESCRIPTOR = 10;
    private static final String IN_SCREEN = "inside the logical screen descriptor";
    private static final String IN_IMAGE = "inside the first image descriptor";

    private GifFile() {
    }

    /**
     * The ImageIO reader allocates the first frame at its own size, a viewer the logical screen; a frame may be larger
     * than the screen or the screen 0 x 0. So the limits apply to the larger of the two, side by side.
     */
    static ImageInfo probe(byte[] data) throws ImageRejectedException {
        HeaderBytes in = new HeaderBytes(data, ImageFormat.GIF);
        int screenWidth = in.u16le(LOGICAL_SCREEN, IN_SCREEN);
        int screenHeight = in.u16le(LOGICAL_SCREEN + 2, IN_SCREEN);
        long image = firstImage(in);
        int width = in.u16le(image + 5, IN_IMAGE);
        int height = in.u16le(image + 7, IN_IMAGE);
        if (width == 0 || height == 0) {
            throw in.corrupt("the first image descriptor declares " + width + " x " + height + " pixels");
        }
        return new ImageInfo(ImageFormat.GIF, Math.max(screenWidth, width), Math.max(screenHeight, height));
    }

    /**
     * Only the first frame is decoded, so only it must be whole: its data sub-blocks must reach their zero length.
     * A cut frame would otherwise decode with its missing rows in colour 0.
     */
    static void checkComplete(byte[] data) throws ImageRejectedException {
        HeaderBytes in = new HeaderBytes(data, ImageFormat.GIF);
        long image = firstImage(in);
        long lzwCodeSize = image + IMAGE_DESCRIPTOR + colourTableBytes(in.u8(image + 9, IN_IMAGE));
        skipSubBlocks(in, lzwCodeSize + 1, "inside the image data of the first frame");
    }

    /** The position of the first image separator, past the global colour table and any extensions. */
    private static long firstImage(HeaderBytes in) throws ImageRejectedException {
        String inside = "before the first image";
        long pos = AFTER_SCREEN + colourTableBytes(in.u8(LOGICAL_SCREEN + 4, IN_SCREEN));
        while (true) {
            int block = in.u8(pos, inside);
            if (block == IMAGE) {
                return pos;
            }
            if (block == TRAILER) {
                throw in.corrupt("the trailer comes before any image");
            }
            if (block != EXTENSION) {
                throw in.corrupt(String.format(Locale.ROOT, "unknown block type 0x%02X at byte %d", block, pos));
            }
            pos = skipSubBlocks(in, pos + 2, inside);
        }
    }

    /** A colour table follows when the flags' top bit is set: 2^(n + 1) RGB entries, n the flags' low 3 bits. */
    private static long colourTableBytes(int flags) {
        return (flags & 0x80) == 0 ? 0 : 3L << ((flags & 0x07) + 1);
    }

    /** The position after the zero length that ends the sub-blocks starting at {@code pos}. */
    private static long skipSubBlocks(HeaderBytes in, long pos, String inside) throws ImageRejectedException {
        while (true) {
            int length = in.u8(pos, inside);
            pos += 1 + length;
            if (length == 0) {
                return pos;
            }
        }
    }
}
