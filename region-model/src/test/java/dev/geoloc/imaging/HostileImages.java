package dev.geoloc.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Images built byte by byte whose decoding would cost far more than their size and pixel count suggest: a
 * progressive JPEG with thousands of scans, JPEG frames whose decoder buffers every DCT coefficient, TIFF tiles far
 * larger than the image. Public, and shipped in this module's test jar, for the stream processor's tests.
 */
public final class HostileImages {

    /** Frame header markers for {@link #jpegFrame}: baseline sequential and progressive. */
    public static final int SOF0 = 0xC0;
    public static final int SOF2 = 0xC2;

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int DQT = 0xDB;
    private static final int DHT = 0xC4;

    private HostileImages() {
    }

    /**
     * A valid grayscale progressive JPEG (SOF2) of {@code width x height}: a DC scan coding every block as 0, then
     * {@code acScans} scans of coefficients 1-63 that code every block as empty with end-of-band runs. libjpeg decodes
     * it without a warning, passing over every block of the image once per scan.
     */
    public static byte[] progressiveScans(int width, int height, int acScans) {
        int blocks = ceilDiv(width, 8) * ceilDiv(height, 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        marker(out, SOI);
        byte[] quantisation = new byte[65];
        Arrays.fill(quantisation, 1, 65, (byte) 1);
        segment(out, DQT, quantisation);
        segment(out, SOF2, frame(width, height, new int[] {1, 1}));
        // DC table 0: category 0 (a difference of 0) is the 1-bit code 0.
        segment(out, DHT, huffmanTable(0x00, 1, 0x00));
        // AC table 0: EOBn (n = 0..14, symbol n << 4, a run of 2^n plus n extra bits of blocks) is the 4-bit code n.
        int[] endOfBandRuns = new int[15];
        for (int n = 0; n < 15; n++) {
            endOfBandRuns[n] = n << 4;
        }
        segment(out, DHT, huffmanTable(0x10, 4, endOfBandRuns));

        segment(out, SOS, new byte[] {1, 1, 0x00, 0, 0, 0x00}); // component 1, tables 0/0, Ss=0 Se=0 Ah=Al=0
        BitWriter dc = new BitWriter(out);
        for (int i = 0; i < blocks; i++) {
            dc.write(0, 1);
        }
        dc.flush();
        for (int scan = 0; scan < acScans; scan++) {
            segment(out, SOS, new byte[] {1, 1, 0x00, 1, 63, 0x00}); // Ss=1 Se=63 Ah=Al=0
            BitWriter ac = new BitWriter(out);
            for (int left = blocks; left > 0; ) {
                int run = Math.min(left, (1 << 15) - 1);
                int n = 31 - Integer.numberOfLeadingZeros(run);
                ac.write(n, 4);
                ac.write(run - (1 << n), n);
                left -= run;
            }
            ac.flush();
        }
        marker(out, EOI);
        return out.toByteArray();
    }

    /**
     * SOI, a frame header ({@code sof}: SOF0 baseline or SOF2 progressive) declaring {@code width x height} with one
     * component per sampling pair {@code {h, v}}, one scan over its first {@code scanComponents} components without
     * any entropy-coded data, and EOI. A complete structure for the checks made before decoding, but no image.
     */
    public static byte[] jpegFrame(int sof, int width, int height, int scanComponents, int[]... sampling) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        marker(out, SOI);
        segment(out, sof, frame(width, height, sampling));
        byte[] scan = new byte[1 + 2 * scanComponents + 3];
        scan[0] = (byte) scanComponents;
        for (int c = 0; c < scanComponents; c++) {
            scan[1 + 2 * c] = (byte) (c + 1);
        }
        scan[scan.length - 2] = (byte) (sof == SOF2 ? 0 : 63);
        segment(out, SOS, scan);
        marker(out, EOI);
        return out.toByteArray();
    }

    /**
     * An uncompressed 8-bit RGB TIFF, little-endian, of {@code width x height} black pixels in tiles of
     * {@code tileWidth x tileLength}, each tile holding {@code tileBytes} bytes (a whole tile is
     * {@code 3 x tileWidth x tileLength}).
     */
    public static byte[] tiledTiff(int width, int height, int tileWidth, int tileLength, int tileBytes) {
        int tiles = ceilDiv(width, tileWidth) * ceilDiv(height, tileLength);
        return tiff(width, height, tiles, tileBytes, new long[][] {{322, tileWidth}, {323, tileLength}}, 324, 325);
    }

    /** As {@link #tiledTiff}, in strips of {@code rowsPerStrip} rows of the image's width, each holding whole rows. */
    public static byte[] strippedTiff(int width, int height, long rowsPerStrip) {
        int rows = (int) Math.min(rowsPerStrip, height);
        int strips = ceilDiv(height, rows);
        return tiff(width, height, strips, 3 * width * rows, new long[][] {{278, rowsPerStrip}}, 273, 279);
    }

    /**
     * TIFF 6.0: header "II" 42 and the IFD offset, the IFD (entries sorted by tag: LONG values, SHORT for the small
     * enumerations), the BitsPerSample and offset/byte-count arrays it points to, then the pixel blocks.
     */
    private static byte[] tiff(int width, int height, int blocks, int blockBytes, long[][] layout, int offsetsTag,
            int countsTag) {
        long[][] entries = {{256, 4, 1, width}, {257, 4, 1, height}, {258, 3, 3, -1}, {259, 3, 1, 1}, {262, 3, 1, 2},
                {offsetsTag, 4, blocks, -1}, {277, 3, 1, 3}, {countsTag, 4, blocks, -1}, {284, 3, 1, 1}};
        entries = Arrays.copyOf(entries, entries.length + layout.length);
        for (int i = 0; i < layout.length; i++) {
            entries[entries.length - layout.length + i] = new long[] {layout[i][0], 4, 1, layout[i][1]};
        }
        Arrays.sort(entries, (a, b) -> Long.compare(a[0], b[0]));
        int ifdEnd = 8 + 2 + 12 * entries.length + 4;
        int bitsAt = ifdEnd;
        int offsetsAt = bitsAt + 6;
        int countsAt = offsetsAt + 4 * blocks;
        int pixelsAt = countsAt + 4 * blocks;
        ByteBuffer tiff = ByteBuffer.allocate(pixelsAt + blocks * blockBytes).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put(new byte[] {'I', 'I', 42, 0}).putInt(8).putShort((short) entries.length);
        for (long[] entry : entries) {
            int tag = (int) entry[0];
            tiff.putShort((short) tag).putShort((short) entry[1]).putInt((int) entry[2]);
            if (tag == 258) {
                tiff.putInt(bitsAt);
            } else if (tag == offsetsTag || tag == countsTag) {
                int single = tag == offsetsTag ? pixelsAt : blockBytes;
                tiff.putInt(blocks == 1 ? single : tag == offsetsTag ? offsetsAt : countsAt);
            } else if (entry[1] == 3) {
                tiff.putShort((short) entry[3]).putShort((short) 0);
            } else {
                tiff.putInt((int) entry[3]);
            }
        }
        tiff.putInt(0);
        tiff.putShort((short) 8).putShort((short) 8).putShort((short) 8);
        for (int i = 0; i < blocks; i++) {
            tiff.putInt(pixelsAt + i * blockBytes);
        }
        for (int i = 0; i < blocks; i++) {
            tiff.putInt(blockBytes);
        }
        return tiff.array();
    }

    /** A frame header's payload: 8-bit precision, height, width, then per component its id, sampling and table 0. */
    private static byte[] frame(int width, int height, int[]... sampling) {
        ByteBuffer frame = ByteBuffer.allocate(6 + 3 * sampling.length);
        frame.put((byte) 8).putShort((short) height).putShort((short) width).put((byte) sampling.length);
        for (int c = 0; c < sampling.length; c++) {
            frame.put((byte) (c + 1)).put((byte) (sampling[c][0] << 4 | sampling[c][1])).put((byte) 0);
        }
        return frame.array();
    }

    /** A DHT payload: class and id, the 16 code-length counts (all {@code symbols} at {@code length}), symbols. */
    private static byte[] huffmanTable(int classAndId, int length, int... symbols) {
        byte[] table = new byte[17 + symbols.length];
        table[0] = (byte) classAndId;
        table[length] = (byte) symbols.length;
        for (int i = 0; i < symbols.length; i++) {
            table[17 + i] = (byte) symbols[i];
        }
        return table;
    }

    private static void marker(ByteArrayOutputStream out, int code) {
        out.write(0xFF);
        out.write(code);
    }

    private static void segment(ByteArrayOutputStream out, int code, byte[] payload) {
        marker(out, code);
        out.write((payload.length + 2) >> 8);
        out.write(payload.length + 2);
        out.writeBytes(payload);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Entropy-coded bits, most significant first, a 0x00 stuffed after every 0xFF, the last byte padded with 1s. */
    private static final class BitWriter {
        private final ByteArrayOutputStream out;
        private int bits;
        private int count;

        BitWriter(ByteArrayOutputStream out) {
            this.out = out;
        }

        void write(int value, int length) {
            for (int i = length - 1; i >= 0; i--) {
                bits = bits << 1 | (value >> i & 1);
                if (++count == 8) {
                    emit();
                }
            }
        }

        void flush() {
            while (count != 0) {
                write(1, 1);
            }
        }

        private void emit() {
            out.write(bits);
            if (bits == 0xFF) {
                out.write(0);
            }
            bits = 0;
            count = 0;
        }
    }
}
