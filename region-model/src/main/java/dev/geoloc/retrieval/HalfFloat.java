package dev.geoloc.retrieval;

/**
 * IEEE 754 half precision (binary16), as the gallery stores embeddings: half the bytes of float32, and a
 * normalised embedding's components (|x| ≤ 1) keep about three decimal digits, far below what separates
 * neighbours. Java 17 has no {@code Float.floatToFloat16}; this rounds to nearest even as it would.
 */
final class HalfFloat {

    /** Every half's float, so that a search decodes by lookup (256 KiB, shared). */
    private static final float[] FLOATS = new float[1 << 16];

    static {
        for (int bits = 0; bits < FLOATS.length; bits++) {
            FLOATS[bits] = toFloatSlow((short) bits);
        }
    }

    private HalfFloat() {
    }

    static float toFloat(short value) {
        return FLOATS[value & 0xffff];
    }

    static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xff;
        int mantissa = bits & 0x7fffff;
        if (exponent == 0xff) { // infinity or NaN
            return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1f) { // too large: infinity
            return (short) (sign | 0x7c00);
        }
        if (halfExponent <= 0) { // subnormal or zero in half precision
            if (halfExponent < -10) {
                return (short) sign;
            }
            int full = mantissa | 0x800000;
            int shift = 14 - halfExponent;
            int half = full >>> shift;
            int rest = full & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (halfExponent << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++; // may carry into the exponent, which is the correct rounding up
        }
        return (short) (sign | half);
    }

    private static float toFloatSlow(short value) {
        int bits = value & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f; // subnormal: mantissa x 2^-24
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }
}
