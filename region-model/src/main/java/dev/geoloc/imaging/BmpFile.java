package dev.geoloc.imaging;

import java.util.Set;

/**
 * The Windows bitmap: a 14-byte file header ({@code "BM"} size(4) reserved(4) pixel-data offset(4), all
 * little-endian), then a DIB header whose first 4 bytes give its size, which tells its version.
 */
final class BmpFile {

    /** BITMAPCOREHEADER (OS/2 1.x): 16-bit width and height. */
    static final int CORE_HEADER = 12;
    /** BITMAPINFOHEADER and its successors (V2, V3, OS/2 2.x, V4, V5): signed 32-bit width and height. */
    static final Set<Integer> INFO_HEADERS = Set.of(40, 52, 56, 64, 108, 124);

    private static final int DIB_HEADER = 14;
    /** BI_RGB and BI_BITFIELDS store rows uncompressed, so their size is known from the header. */
    private static final long BI_RGB = 0;
    private static final long BI_BITFIELDS = 3;
    /** OpenCV decodes BI_RGB, BI_RLE8, BI_RLE4 and BI_BITFIELDS; BI_JPEG and BI_PNG wrap other formats. */
    private static final long BI_LAST_DECODED = 3;

    private BmpFile() {
    }

    static ImageInfo probe(byte[] data) throws ImageRejectedException {
        Header header = Header.read(new HeaderBytes(data, ImageFormat.BMP));
        return new ImageInfo(ImageFormat.BMP, header.width, header.height);
    }

    /** For uncompressed bitmaps: the pixel rows, each padded to 4 bytes, must all be there. */
    static void checkComplete(byte[] data) throws ImageRejectedException {
        HeaderBytes in = new HeaderBytes(data, ImageFormat.BMP);
        Header header = Header.read(in);
        if (header.compression == BI_RGB || header.compression == BI_BITFIELDS) {
            long rowBytes = ((long) header.bitsPerPixel * header.width + 31) / 32 * 4;
            long end = in.u32le(10, "inside the file header") + rowBytes * header.height;
            in.require(0, end, "but its " + header.width + " x " + header.height + " pixels at "
                    + header.bitsPerPixel + " bits need " + end + " bytes");
        }
    }

    private record Header(int width, int height, int bitsPerPixel, long compression) {

        static Header read(HeaderBytes in) throws ImageRejectedException {
            String inside = "inside the DIB header";
            long dibSize = in.u32le(DIB_HEADER, inside);
            long width;
            long height;
            int bitsPerPixel;
            long compression = BI_RGB;
            if (dibSize == CORE_HEADER) {
                width = in.u16le(18, inside);
                height = in.u16le(20, inside);
                bitsPerPixel = in.u16le(24, inside);
            } else {
                width = (int) in.u32le(18, inside);
                // A negative height means rows are stored top-down.
                height = Math.abs((long) (int) in.u32le(22, inside));
                bitsPerPixel = in.u16le(28, inside);
                compression = in.u32le(30, inside);
            }
            if (width <= 0 || height == 0 || height > Integer.MAX_VALUE) {
                throw in.corrupt("the DIB header declares " + width + " x " + height + " pixels");
            }
            if (bitsPerPixel != 1 && bitsPerPixel != 4 && bitsPerPixel != 8 && bitsPerPixel != 16
                    && bitsPerPixel != 24 && bitsPerPixel != 32) {
                throw in.corrupt(bitsPerPixel + " bits per pixel");
            }
            if (compression > BI_LAST_DECODED) {
                throw in.unsupported("compression method " + compression, "uncompressed, RLE and bit-field bitmaps");
            }
            return new Header((int) width, (int) height, bitsPerPixel, compression);
        }
    }
}
