package dev.geoloc.imaging;

import java.util.Locale;

/**
 * The TIFF 6.0 structure: {@code "II"} (little-endian) or {@code "MM"} (big-endian), the number 42, and the
 * offset of the first image file directory (IFD). An IFD is a 2-byte entry count, then 12-byte entries
 * {@code tag(2) type(2) count(4) value-or-offset(4)}: values that fit in 4 bytes are stored in place.
 */
final class TiffFile {

    private static final int IMAGE_WIDTH = 256;
    private static final int IMAGE_LENGTH = 257;
    private static final int STRIP_OFFSETS = 273;
    private static final int ROWS_PER_STRIP = 278;
    private static final int STRIP_BYTE_COUNTS = 279;
    private static final int TILE_WIDTH = 322;
    private static final int TILE_LENGTH = 323;
    private static final int TILE_OFFSETS = 324;
    private static final int TILE_BYTE_COUNTS = 325;
    private static final int TYPE_SHORT = 3;
    private static final int TYPE_LONG = 4;
    private static final int BIG_TIFF = 43;
    /** 4 MiB: a 1024 x 1024 tile as RGBA. */
    private static final long SMALL_BLOCK_BYTES = 4L << 20;
    private static final String IN_IFD = "inside the first image file directory";
    private static final String IN_VALUES = "inside the values of the first image file directory";

    private TiffFile() {
    }

    static ImageInfo probe(byte[] data) throws ImageRejectedException {
        Ifd ifd = Ifd.first(new HeaderBytes(data, ImageFormat.TIFF));
        long width = ifd.single(IMAGE_WIDTH, "ImageWidth");
        long height = ifd.single(IMAGE_LENGTH, "ImageLength");
        if (width == 0 || height == 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw ifd.in.corrupt("the first image declares " + width + " x " + height + " pixels");
        }
        return new ImageInfo(ImageFormat.TIFF, (int) width, (int) height);
    }

    /**
     * The first image's tiles (or strips) must be in proportion to it, then each must lie inside the data: libtiff
     * refuses a cut one anyway.
     */
    static void checkDecodable(byte[] data, ImageLimits limits) throws ImageRejectedException {
        Ifd ifd = Ifd.first(new HeaderBytes(data, ImageFormat.TIFF));
        boolean tiled = ifd.find(TILE_OFFSETS) >= 0;
        checkBlocks(ifd, tiled, limits);
        long offsets = ifd.find(tiled ? TILE_OFFSETS : STRIP_OFFSETS);
        long counts = ifd.find(tiled ? TILE_BYTE_COUNTS : STRIP_BYTE_COUNTS);
        if (offsets < 0 || counts < 0 || ifd.count(offsets) != ifd.count(counts)) {
            throw ifd.in.corrupt("the first image has no consistent strip or tile offsets and byte counts");
        }
        long end = 0;
        for (long i = 0; i < ifd.count(offsets); i++) {
            end = Math.max(end, ifd.value(offsets, i) + ifd.value(counts, i));
        }
        ifd.in.require(0, end, "but its pixel data extends to byte " + end);
    }

    /**
     * OpenCV decodes a TIFF to 8-bit one tile or strip at a time, through libtiff's RGBA interface: into a buffer of 4
     * bytes per pixel of the whole block, which libtiff zero-fills past the image's edge for a tile (grfmt_tiff.cpp,
     * TIFFReadRGBATile). So a 16 x 16 image in a 16000 x 16000 tile costs 1 GB. A block may be larger than the image
     * rounded up to 16 pixels a side (the tile size unit) only while small: writers use fixed 256 x 256 tiles, and
     * libtiff 8 KiB strips, whatever the image. And no block may take more than the pixel budget.
     */
    private static void checkBlocks(Ifd ifd, boolean tiled, ImageLimits limits) throws ImageRejectedException {
        long width = ifd.single(IMAGE_WIDTH, "ImageWidth");
        long height = ifd.single(IMAGE_LENGTH, "ImageLength");
        long blockWidth = width;
        long blockRows = height;
        if (tiled) {
            blockWidth = ifd.single(TILE_WIDTH, "TileWidth");
            blockRows = ifd.single(TILE_LENGTH, "TileLength");
            if (blockWidth == 0 || blockRows == 0 || blockWidth % 16 != 0 || blockRows % 16 != 0) {
                throw ifd.in.corrupt("tiles must be positive multiples of 16 pixels a side, found " + blockWidth
                        + " x " + blockRows);
            }
        } else if (ifd.find(ROWS_PER_STRIP) >= 0) {
            long rows = ifd.single(ROWS_PER_STRIP, "RowsPerStrip");
            // As OpenCV reads it: 2^32 - 1, the specification's default, and 0 mean one strip.
            blockRows = rows == 0 || rows == 0xFFFF_FFFFL ? height : rows;
        }
        String blocks = String.format(Locale.ROOT, "The TIFF's %s of %d x %d pixels", tiled ? "tiles" : "strips",
                blockWidth, blockRows);
        // Two 32-bit sides times 4 bytes can overflow a long; a double is exact far past any block accepted.
        double bytes = 4.0 * blockWidth * blockRows;
        boolean beyondImage = blockWidth > roundUp16(width) || blockRows > roundUp16(height);
        if (beyondImage && bytes > SMALL_BLOCK_BYTES) {
            throw new ImageRejectedException(Reason.DECODE_TOO_COSTLY, String.format(Locale.ROOT, "%s are larger than "
                    + "its %d x %d image: decoding takes %,.0f bytes for each; a tile or strip larger than the image "
                    + "(rounded up to 16 pixels a side) may take at most %,d bytes", blocks, width, height, bytes,
                    SMALL_BLOCK_BYTES));
        }
        if (bytes > limits.pixelBudgetBytes()) {
            throw limits.overBudget(String.format(Locale.ROOT, "%s take %,.0f bytes each to decode", blocks, bytes));
        }
    }

    private static long roundUp16(long pixels) {
        return (pixels + 15) / 16 * 16;
    }

    /** The first IFD, read in the file's byte order. Entries are addressed by their position in the data. */
    private record Ifd(HeaderBytes in, boolean bigEndian, long start, int entries) {

        static Ifd first(HeaderBytes in) throws ImageRejectedException {
            boolean bigEndian = in.u8(0, "inside the TIFF header") == 'M';
            Ifd header = new Ifd(in, bigEndian, 0, 0);
            int magic = header.u16(2, "inside the TIFF header");
            if (magic == BIG_TIFF) {
                throw in.unsupported("64-bit offsets (BigTIFF)");
            }
            long start = header.u32(4, "inside the TIFF header");
            int entries = header.u16(start, IN_IFD);
            in.require(start + 2, 12L * entries, IN_IFD);
            return new Ifd(in, bigEndian, start, entries);
        }

        /** The position of the entry for {@code tag}, or -1. */
        long find(int tag) throws ImageRejectedException {
            for (int i = 0; i < entries; i++) {
                long entry = start + 2 + 12L * i;
                if (u16(entry, IN_IFD) == tag) {
                    return entry;
                }
            }
            return -1;
        }

        long single(int tag, String name) throws ImageRejectedException {
            long entry = find(tag);
            if (entry < 0 || count(entry) != 1) {
                throw in.corrupt("the first image has no single " + name + " (tag " + tag + ")");
            }
            return value(entry, 0);
        }

        long count(long entry) throws ImageRejectedException {
            return u32(entry + 4, IN_IFD);
        }

        /** Value {@code index} of a SHORT or LONG entry, read in place when all values fit in 4 bytes. */
        long value(long entry, long index) throws ImageRejectedException {
            int type = u16(entry + 2, IN_IFD);
            if (type != TYPE_SHORT && type != TYPE_LONG) {
                throw in.corrupt("tag " + u16(entry, IN_IFD) + " has type " + type + ", expected SHORT or LONG");
            }
            int size = type == TYPE_SHORT ? 2 : 4;
            long values = count(entry) * size <= 4 ? entry + 8 : u32(entry + 8, IN_IFD);
            long pos = values + index * size;
            return size == 2 ? u16(pos, IN_VALUES) : u32(pos, IN_VALUES);
        }

        int u16(long pos, String inside) throws ImageRejectedException {
            return bigEndian ? in.u16be(pos, inside) : in.u16le(pos, inside);
        }

        long u32(long pos, String inside) throws ImageRejectedException {
            return bigEndian ? in.u32be(pos, inside) : in.u32le(pos, inside);
        }
    }
}
