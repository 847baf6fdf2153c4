package dev.geoloc.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The eight-bytes-a-step search for 0xFF finds what a byte-at-a-time search finds, wherever the byte lies. */
class HeaderBytesTest {

    @Test
    void indexOfFfFindsTheFirstFfAtOrAfterAnyStartLikeAByteByByteSearch() {
        SplittableRandom random = new SplittableRandom(26);
        for (int trial = 0; trial < 2000; trial++) {
            // Bytes next to 0xFF in value (0xFE, 0x00, 0x01, 0x7F, 0x80) are where a zero-byte trick would slip
            byte[] data = new byte[random.nextInt(0, 40)];
            byte[] near = {(byte) 0xFE, 0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFF};
            for (int i = 0; i < data.length; i++) {
                data[i] = random.nextInt(4) == 0 ? near[random.nextInt(near.length)] : (byte) random.nextInt(256);
            }
            HeaderBytes bytes = new HeaderBytes(data, ImageFormat.JPEG);
            for (int from = 0; from <= data.length + 2; from++) {
                assertThat(bytes.indexOfFF(from)).as("from %d in %d bytes", from, data.length)
                        .isEqualTo(byteByByte(data, from));
            }
        }
    }

    @Test
    void withoutAnFfItIsTheLength() {
        byte[] data = new byte[1000];
        java.util.Arrays.fill(data, (byte) 0xFE);

        assertThat(new HeaderBytes(data, ImageFormat.JPEG).indexOfFF(0)).isEqualTo(1000);
    }

    private static long byteByByte(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == (byte) 0xFF) {
                return i;
            }
        }
        return data.length;
    }
}
