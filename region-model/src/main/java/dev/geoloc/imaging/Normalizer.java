package dev.geoloc.imaging;

/**
 * Turns interleaved 8-bit BGR pixels (OpenCV's order) into normalised RGB planes (CHW). Each channel has 256
 * possible inputs, so {@code (x / 255 - mean) / std} is computed once per value into a table, at construction.
 */
final class Normalizer {

    /** Indexed [RGB channel][byte value]; never written after construction, so shared by all threads. */
    private final float[][] table = new float[3][256];

    Normalizer(Preprocessing spec) {
        float[] mean = spec.mean();
        float[] std = spec.std();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                table[c][v] = (v / 255f - mean[c]) / std[c];
            }
        }
    }

    /** Writes {@code 3 * pixels} floats: all of R, then all of G, then all of B. */
    void write(byte[] bgr, float[] dest, int offset) {
        int pixels = bgr.length / 3;
        float[] red = table[0];
        float[] green = table[1];
        float[] blue = table[2];
        int r = offset;
        int g = offset + pixels;
        int b = offset + 2 * pixels;
        for (int i = 0, p = 0; i < pixels; i++, p += 3) {
            dest[b + i] = blue[bgr[p] & 0xFF];
            dest[g + i] = green[bgr[p + 1] & 0xFF];
            dest[r + i] = red[bgr[p + 2] & 0xFF];
        }
    }
}
