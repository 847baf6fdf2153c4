package dev.geoloc.imaging;

import java.util.Arrays;

/** How a model wants its input: square inputSize x inputSize, RGB, CHW float, normalised (x/255 - mean)/std. */
public record Preprocessing(int inputSize, float[] mean, float[] std, ResizePolicy resize) {

    public Preprocessing {
        if (inputSize < 8 || inputSize > 4096) {
            throw new IllegalArgumentException("input size " + inputSize + " is outside [8, 4096]");
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need one value per RGB channel");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive: " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    public static Preprocessing imagenet(int inputSize) {
        return new Preprocessing(inputSize, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f},
                ResizePolicy.CENTER_CROP);
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
    public boolean equals(Object other) {
        return other instanceof Preprocessing p && p.inputSize == inputSize && Arrays.equals(p.mean, mean)
                && Arrays.equals(p.std, std) && p.resize == resize;
    }

    @Override
    public int hashCode() {
        return (inputSize * 31 + Arrays.hashCode(mean)) * 31 + Arrays.hashCode(std) + resize.hashCode();
    }

    @Override
    public String toString() {
        return "Preprocessing[" + inputSize + "x" + inputSize + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + ", " + resize + "]";
    }
}
