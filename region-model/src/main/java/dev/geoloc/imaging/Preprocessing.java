package dev.geoloc.imaging;

import java.util.Arrays;
import java.util.Objects;

/**
 * How a model wants its input: a square {@code inputSize x inputSize} RGB image as CHW floats, each value
 * normalised to {@code (x / 255 - mean[c]) / std[c]}. The arrays are copied in and out, so a value never changes.
 */
public record Preprocessing(int inputSize, float[] mean, float[] std, ResizePolicy resize) {

    /** The largest input size accepted; ViTs are trained at 224 to 518. */
    public static final int MAX_INPUT_SIZE = 4096;

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public Preprocessing {
        if (inputSize < 1 || inputSize > MAX_INPUT_SIZE) {
            throw new IllegalArgumentException("inputSize must be in [1, " + MAX_INPUT_SIZE + "], got " + inputSize);
        }
        mean = threeChannels("mean", mean).clone();
        std = threeChannels("std", std).clone();
        for (int c = 0; c < 3; c++) {
            if (!Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("mean must be finite, got " + Arrays.toString(mean));
            }
            if (!(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("std must be positive and finite, got " + Arrays.toString(std));
            }
        }
        Objects.requireNonNull(resize, "resize");
    }

    /** ImageNet statistics with a centre crop: the preprocessing of DINOv2 and most timm ViTs. */
    public static Preprocessing imagenet(int inputSize) {
        return new Preprocessing(inputSize, IMAGENET_MEAN, IMAGENET_STD, ResizePolicy.CENTER_CROP);
    }

    /** How many floats one image takes: {@code 3 * inputSize * inputSize}. */
    public int tensorLength() {
        return 3 * inputSize * inputSize;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && inputSize == p.inputSize && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std) && resize == p.resize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(inputSize, Arrays.hashCode(mean), Arrays.hashCode(std), resize);
    }

    @Override
    public String toString() {
        return "Preprocessing[inputSize=" + inputSize + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + ", resize=" + resize + "]";
    }

    private static float[] threeChannels(String name, float[] values) {
        Objects.requireNonNull(values, name);
        if (values.length != 3) {
            throw new IllegalArgumentException(name + " must have one value per RGB channel, got " + values.length);
        }
        return values;
    }
}
