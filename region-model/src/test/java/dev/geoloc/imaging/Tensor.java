package dev.geoloc.imaging;

/** Reads a preprocessed tensor back as pixels, so that tests can speak in 0-255 RGB values. */
record Tensor(float[] values, Preprocessing spec) {

    static Tensor of(ImagePreprocessor preprocessor, byte[] encoded) throws ImageRejectedException {
        return new Tensor(preprocessor.preprocess(encoded), preprocessor.spec());
    }

    /** The raw normalised value of channel {@code c} (0 = R) at column {@code x}, row {@code y}: CHW layout. */
    float at(int c, int x, int y) {
        int size = spec.inputSize();
        return values[c * size * size + y * size + x];
    }

    /** The pixel at (x, y) with the normalisation undone: {@code (value * std + mean) * 255}. */
    float[] rgb(int x, int y) {
        float[] mean = spec.mean();
        float[] std = spec.std();
        float[] rgb = new float[3];
        for (int c = 0; c < 3; c++) {
            rgb[c] = (at(c, x, y) * std[c] + mean[c]) * 255f;
        }
        return rgb;
    }

    static float[] rgb(float r, float g, float b) {
        return new float[] {r, g, b};
    }
}
