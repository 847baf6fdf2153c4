package dev.geoloc.imaging;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The JPEG marker structure (ITU-T T.81, Annex B). A file is SOI, then segments {@code FF code length payload}
 * (the length counts itself but not the marker), each scan (SOS) followed by entropy-coded data in which a
 * 0xFF byte is always followed by 0x00 (stuffing) or a restart marker RST0-7, and finally EOI. Fill bytes 0xFF
 * may precede any marker. EXIF (APP1), ICC (APP2) and Adobe (APP14) segments may come before the frame header.
 */
final class JpegFile {

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int TEM = 0x01;
    /** SOF markers that libjpeg-turbo 2.1 (OpenCV's) decodes: baseline, extended sequential, progressive. */
    private static final int SOF0 = 0xC0;
    private static final int SOF1 = 0xC1;
    private static final int SOF2 = 0xC2;
    /** libjpeg's 8 x 8 block of DCT coefficients (JBLOCK): 64 two-byte values. */
    private static final int BLOCK_BYTES = 128;

    /**
     * The most scans accepted. libjpeg sets no limit, and goes over every block of the image for each scan (libjpeg-
     * turbo's djpeg offers -maxscans against that). Encoders write about 10: libjpeg's standard progression, which
     * cjpeg -progressive and most writers use, has 10 scans in colour, 6 in grayscale, 18 in CMYK.
     */
    static final int MAX_SCANS = 100;

    private JpegFile() {
    }

    /** Reads segments up to the frame header (SOFn), whose payload is precision, height, width, components. */
    static ImageInfo probe(byte[] data) throws ImageRejectedException {
        HeaderBytes in = new HeaderBytes(data, ImageFormat.JPEG);
        long pos = 2;
        while (true) {
            if (in.u8(pos, "before the frame header (SOF)") != 0xFF) {
                throw in.corrupt("expected a marker at byte " + pos + " before the frame header");
            }
            long codeAt = skipFill(in, pos, "before the frame header (SOF)");
            int code = in.u8(codeAt, "before the frame header (SOF)");
            pos = codeAt + 1;
            if (isStandalone(code)) {
                continue;
            }
            if (code == SOS || code == EOI) {
                throw in.corrupt("no frame header (SOF) before the first scan");
            }
            int length = in.u16be(pos, "inside a segment header before the frame header (SOF)");
            if (length < 2) {
                throw in.corrupt("segment length " + length + " at byte " + pos);
            }
            if (isFrameHeader(code)) {
                return frame(in, code, pos);
            }
            pos += length;
        }
    }

    /**
     * Walks every segment and scan to the EOI marker. libjpeg decodes a JPEG that stops early without an error,
     * padding the missing rows with grey, so a cut file would otherwise reach the model as a half-grey photo.
     * Bytes after EOI (camera trailers, the video of a motion photo) are ignored. On the way it refuses what would
     * make libjpeg's work or memory out of proportion to the image: more than {@value #MAX_SCANS} scans, and DCT
     * coefficient buffers over {@link ImageLimits#pixelBudgetBytes()}.
     */
    static void checkDecodable(byte[] data, ImageLimits limits) throws ImageRejectedException {
        HeaderBytes in = new HeaderBytes(data, ImageFormat.JPEG);
        String beforeEoi = "before the end-of-image marker (EOI)";
        Frame frame = null;
        int scans = 0;
        long pos = 2;
        while (true) {
            // libjpeg skips stray bytes between segments with a warning; so does this walk.
            while (in.u8(pos, beforeEoi) != 0xFF) {
                pos++;
            }
            long codeAt = skipFill(in, pos, beforeEoi);
            int code = in.u8(codeAt, beforeEoi);
            pos = codeAt + 1;
            if (code == EOI) {
                return;
            }
            if (isStandalone(code)) {
                continue;
            }
            if (isFrameHeader(code) && frame == null) {
                frame = Frame.read(in, code, pos);
            }
            if (code == SOS && ++scans > MAX_SCANS) {
                throw new ImageRejectedException(Reason.DECODE_TOO_COSTLY, "The JPEG has more than " + MAX_SCANS
                        + " scans; at most " + MAX_SCANS + " are accepted (an encoder's progressive JPEG has about 10),"
                        + " as the decoder goes over the whole image once per scan");
            }
            if (code == SOS && scans == 1) {
                if (frame == null) {
                    throw in.corrupt("no frame header (SOF) before the first scan");
                }
                frame.checkCoefficients(in.u8(pos + 2, "inside the first scan header (SOS)"), limits);
            }
            pos += in.u16be(pos, beforeEoi);
            if (code == SOS) {
                pos = endOfEntropyCodedData(in, pos);
            }
        }
    }

    /** The position of the first marker after a scan's entropy-coded data. */
    private static long endOfEntropyCodedData(HeaderBytes in, long pos) throws ImageRejectedException {
        while (true) {
            pos = in.indexOfFF(pos);
            if (pos >= in.length()) {
                throw in.truncated("inside the entropy-coded data of a scan, before the end-of-image marker (EOI)");
            }
            int next = in.peek(pos + 1);
            boolean stuffedOrRestart = next == 0x00 || next >= 0xD0 && next <= 0xD7;
            if (next != 0xFF && !stuffedOrRestart) {
                return pos;
            }
            pos++;
        }
    }

    /** Given the 0xFF that starts a marker, the position of its code, past any fill bytes. */
    private static long skipFill(HeaderBytes in, long pos, String inside) throws ImageRejectedException {
        while (in.u8(pos, inside) == 0xFF) {
            pos++;
        }
        return pos;
    }

    /** Markers without a length field: SOI, EOI, RST0-7 and TEM. */
    private static boolean isStandalone(int code) {
        return code == SOI || code == TEM || code >= 0xD0 && code <= 0xD7;
    }

    /** SOF0-SOF15 are C0-CF, except C4 (DHT), C8 (JPG, reserved) and CC (DAC). */
    private static boolean isFrameHeader(int code) {
        return code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 && code != 0xCC;
    }

    private static ImageInfo frame(HeaderBytes in, int code, long pos) throws ImageRejectedException {
        String inside = "inside the frame header (SOF)";
        int precision = in.u8(pos + 2, inside);
        int height = in.u16be(pos + 3, inside);
        int width = in.u16be(pos + 5, inside);
        int components = in.u8(pos + 7, inside);
        if (code != SOF0 && code != SOF1 && code != SOF2) {
            throw in.unsupported(frameName(code) + " coding (SOF" + (code - 0xC0) + ")",
                    "baseline, extended and progressive JPEGs");
        }
        if (precision != 8) {
            throw in.unsupported(precision + "-bit samples", "8-bit JPEGs");
        }
        if (width == 0) {
            throw in.corrupt("the frame header declares a width of 0");
        }
        if (height == 0) {
            throw in.unsupported("its height deferred to a DNL marker");
        }
        if (components != 1 && components != 3 && components != 4) {
            throw in.unsupported(components + " colour components", "grayscale, YCbCr/RGB and CMYK/YCCK JPEGs");
        }
        return new ImageInfo(ImageFormat.JPEG, width, height);
    }

    private static String frameName(int code) {
        return switch (code) {
            case 0xC3 -> "lossless";
            case 0xC5, 0xC6, 0xC7 -> "hierarchical (differential)";
            case 0xC9, 0xCA, 0xCB -> "arithmetic";
            default -> "hierarchical arithmetic";
        };
    }

    /** What libjpeg's coefficient memory depends on: the coding, the size, each component's sampling factors. */
    private record Frame(boolean progressive, int width, int height, int[] horizontal, int[] vertical) {

        static Frame read(HeaderBytes in, int code, long pos) throws ImageRejectedException {
            String inside = "inside the frame header (SOF)";
            int height = in.u16be(pos + 3, inside);
            int width = in.u16be(pos + 5, inside);
            int components = in.u8(pos + 7, inside);
            int[] horizontal = new int[components];
            int[] vertical = new int[components];
            for (int c = 0; c < components; c++) {
                int factors = in.u8(pos + 9 + 3L * c, inside);
                horizontal[c] = factors >> 4;
                vertical[c] = factors & 0x0F;
                if (horizontal[c] < 1 || horizontal[c] > 4 || vertical[c] < 1 || vertical[c] > 4) {
                    throw in.corrupt("component " + (c + 1) + " has sampling factors " + horizontal[c] + "x"
                            + vertical[c] + "; each must be 1 to 4");
                }
            }
            return new Frame(code == SOF2, width, height, horizontal, vertical);
        }

        /**
         * libjpeg decodes in one pass, a row of blocks at a time, only a sequential JPEG whose first scan holds every
         * component. Any other (progressive, or a scan per component) it decodes by keeping every DCT coefficient
         * of the image until the last scan (jdcoefct.c): a block per 8 x 8 pixels of each component at its own
         * resolution, padded to whole multiples of its sampling factors.
         */
        void checkCoefficients(int firstScanComponents, ImageLimits limits) throws ImageRejectedException {
            if (!progressive && firstScanComponents == horizontal.length) {
                return;
            }
            int maxHorizontal = Arrays.stream(horizontal).max().orElse(1);
            int maxVertical = Arrays.stream(vertical).max().orElse(1);
            long bytes = 0;
            for (int c = 0; c < horizontal.length; c++) {
                long across = ceilDiv((long) width * horizontal[c], 8L * maxHorizontal);
                long down = ceilDiv((long) height * vertical[c], 8L * maxVertical);
                bytes += BLOCK_BYTES * ceilDiv(across, horizontal[c]) * horizontal[c]
                        * ceilDiv(down, vertical[c]) * vertical[c];
            }
            if (bytes > limits.pixelBudgetBytes()) {
                String sampling = IntStream.range(0, horizontal.length).mapToObj(c -> horizontal[c] + "x" + vertical[c])
                        .collect(Collectors.joining(", "));
                throw limits.overBudget(String.format(Locale.ROOT, "The %s JPEG's DCT coefficients (%d x %d pixels, %d "
                        + "components sampled %s) take %,d bytes while it decodes", progressive ? "progressive"
                        : "multi-scan", width, height, horizontal.length, sampling, bytes));
            }
        }

        private static long ceilDiv(long a, long b) {
            return (a + b - 1) / b;
        }
    }
}
