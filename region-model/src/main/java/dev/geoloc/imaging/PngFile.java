package dev.geoloc.imaging;

/**
 * The PNG chunk structure (ISO/IEC 15948, W3C PNG 2nd edition): an 8-byte signature, then chunks
 * {@code length(4, big-endian) type(4) data(length) crc(4)}. IHDR comes first and IEND last.
 */
final class PngFile {

    private static final int SIGNATURE_LENGTH = 8;
    private static final int IHDR_LENGTH = 13;
    /** "Each dimension ... zero is an invalid value", and all four-byte integers are limited to 2^31 - 1. */
    private static final long MAX_DIMENSION = Integer.MAX_VALUE;

    private PngFile() {
    }

    /** IHDR: width(4), height(4), bit depth, colour type, compression, filter, interlace. */
    static ImageInfo probe(byte[] data) throws ImageRejectedException {
        HeaderBytes in = new HeaderBytes(data, ImageFormat.PNG);
        String inside = "inside the IHDR header";
        long length = in.u32be(SIGNATURE_LENGTH, inside);
        String type = in.fourCc(SIGNATURE_LENGTH + 4, inside);
        if (!type.equals("IHDR") || length != IHDR_LENGTH) {
            throw in.corrupt("the first chunk must be a 13-byte IHDR, found '" + type + "' of "
                    + length + " bytes");
        }
        long width = in.u32be(16, inside);
        long height = in.u32be(20, inside);
        int bitDepth = in.u8(24, inside);
        int colourType = in.u8(25, inside);
        int interlace = in.u8(28, inside);
        if (width == 0 || height == 0 || width > MAX_DIMENSION || height > MAX_DIMENSION) {
            throw in.corrupt("IHDR declares " + width + " x " + height + " pixels");
        }
        if (!validDepth(colourType, bitDepth)) {
            throw in.corrupt("bit depth " + bitDepth + " is not allowed with colour type " + colourType);
        }
        if (interlace > 1) {
            throw in.corrupt("unknown interlace method " + interlace);
        }
        return new ImageInfo(ImageFormat.PNG, (int) width, (int) height);
    }

    /**
     * Walks the chunks to IEND. libpng fails on a cut stream, but a chunk walk names the cut precisely and costs
     * one read per chunk.
     */
    static void checkComplete(byte[] data) throws ImageRejectedException {
        HeaderBytes in = new HeaderBytes(data, ImageFormat.PNG);
        long pos = SIGNATURE_LENGTH;
        while (true) {
            long length = in.u32be(pos, "before the IEND chunk");
            String type = in.fourCc(pos + 4, "before the IEND chunk");
            if (length > MAX_DIMENSION) {
                throw in.corrupt("chunk '" + type + "' at byte " + pos + " declares " + length + " bytes");
            }
            in.require(pos, 12 + length, "inside the '" + type + "' chunk at byte " + pos
                    + ", before the IEND chunk");
            if (type.equals("IEND")) {
                return;
            }
            pos += 12 + length;
        }
    }

    /** The allowed combinations, PNG spec table 11.1. */
    private static boolean validDepth(int colourType, int bitDepth) {
        return switch (colourType) {
            case 0 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8 || bitDepth == 16;
            case 3 -> bitDepth == 1 || bitDepth == 2 || bitDepth == 4 || bitDepth == 8;
            case 2, 4, 6 -> bitDepth == 8 || bitDepth == 16;
            default -> false;
        };
    }
}
