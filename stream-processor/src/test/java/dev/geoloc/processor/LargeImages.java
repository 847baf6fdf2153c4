package dev.geoloc.processor;

import java.io.ByteArrayOutputStream;

/** Images as large as a test needs them to carry, and as cheap to decode as it likes. */
public final class LargeImages {

    private LargeImages() {
    }

    /** The JPEG with comment (COM) segments after its SOI, to {@code length} bytes: decoders skip them. */
    public static byte[] padded(byte[] jpeg, int length) {
        if (length < jpeg.length + 4) {
            throw new IllegalArgumentException("a " + jpeg.length + "-byte JPEG cannot be padded to " + length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        out.write(jpeg, 0, 2);
        int left = length - jpeg.length;
        while (left > 0) {
            // a segment is its marker (2 bytes), its length field (2) and up to 65533 bytes of data
            int data = Math.min(65_533, left - 4);
            if (data < 0) {
                data = 0;
            }
            out.write(0xFF);
            out.write(0xFE);
            out.write((data + 2) >> 8);
            out.write((data + 2) & 0xFF);
            out.write(new byte[data], 0, data);
            left -= data + 4;
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
