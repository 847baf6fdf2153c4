package dev.geoloc.imaging;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Bounds-checked reads from an encoded image, for the header parsers. Reading past the end is a
 * TRUNCATED_IMAGE naming the structure that was cut short, never an index exception.
 */
final class HeaderBytes {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] data;
    private final ImageFormat format;

    HeaderBytes(byte[] data, ImageFormat format) {
        this.data = data;
        this.format = format;
    }

    int length() {
        return data.length;
    }

    /**
     * The position of the first 0xFF byte at or after {@code from}, or {@link #length()} when there is none. Eight
     * bytes a step (a zero-byte test on their complement): a JPEG's entropy-coded data is walked to its end for
     * every image, megabytes for a phone photo, where a byte at a time cost 5 % of the decode.
     */
    long indexOfFF(long from) {
        int n = data.length;
        int i = (int) Math.min(Math.max(from, 0), n);
        for (; i <= n - Long.BYTES; i += Long.BYTES) {
            long complement = ~(long) LONGS.get(data, i);
            // Flags each zero byte of the complement; a byte above a flagged one may be flagged falsely, never one below
            long flags = (complement - 0x0101010101010101L) & ~complement & 0x8080808080808080L;
            if (flags != 0) {
                return i + (Long.numberOfTrailingZeros(flags) >>> 3);
            }
        }
        for (; i < n; i++) {
            if (data[i] == (byte) 0xFF) {
                return i;
            }
        }
        return n;
    }

    /** The byte at {@code pos} as 0-255, or -1 past the end: for scans that decide by themselves what a cut means. */
    int peek(long pos) {
        return pos < data.length ? data[(int) pos] & 0xFF : -1;
    }

    int u8(long pos, String inside) throws ImageRejectedException {
        require(pos, 1, inside);
        return data[(int) pos] & 0xFF;
    }

    int u16be(long pos, String inside) throws ImageRejectedException {
        require(pos, 2, inside);
        int p = (int) pos;
        return (data[p] & 0xFF) << 8 | data[p + 1] & 0xFF;
    }

    int u16le(long pos, String inside) throws ImageRejectedException {
        require(pos, 2, inside);
        int p = (int) pos;
        return data[p] & 0xFF | (data[p + 1] & 0xFF) << 8;
    }

    int u24le(long pos, String inside) throws ImageRejectedException {
        require(pos, 3, inside);
        int p = (int) pos;
        return data[p] & 0xFF | (data[p + 1] & 0xFF) << 8 | (data[p + 2] & 0xFF) << 16;
    }

    long u32be(long pos, String inside) throws ImageRejectedException {
        return (long) u16be(pos, inside) << 16 | u16be(pos + 2, inside);
    }

    long u32le(long pos, String inside) throws ImageRejectedException {
        return u16le(pos, inside) | (long) u16le(pos + 2, inside) << 16;
    }

    /**
     * A four-character code (PNG chunk type, RIFF chunk id, ISO BMFF box type or brand), with bytes outside
     * printable ASCII shown as '?' so that it can go into a message.
     */
    String fourCc(long pos, String inside) throws ImageRejectedException {
        require(pos, 4, inside);
        return new String(data, (int) pos, 4, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7E]", "?");
    }

    /** Fails unless bytes {@code [pos, pos + count)} exist. */
    void require(long pos, long count, String inside) throws ImageRejectedException {
        if (pos < 0 || count < 0 || pos + count > data.length) {
            throw truncated(inside);
        }
    }

    ImageRejectedException truncated(String inside) {
        return new ImageRejectedException(Reason.TRUNCATED_IMAGE, String.format(Locale.ROOT,
                "The %s data ends after %,d bytes, %s", format.displayName(), data.length, inside));
    }

    ImageRejectedException corrupt(String problem) {
        return new ImageRejectedException(Reason.CORRUPT_IMAGE,
                "Corrupt " + format.displayName() + " header: " + problem);
    }

    /** A variant of a supported format that the decoder cannot handle, such as a lossless JPEG. */
    ImageRejectedException unsupported(String variant) {
        return new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, format.displayName() + " images with " + variant
                + " are not supported");
    }

    /** As {@link #unsupported(String)}, saying which variants are: "only 8-bit JPEGs are". */
    ImageRejectedException unsupported(String variant, String onlySupported) {
        return new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, format.displayName() + " images with " + variant
                + " are not supported; only " + onlySupported + " are");
    }
}
