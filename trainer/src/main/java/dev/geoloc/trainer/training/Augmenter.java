package dev.geoloc.trainer.training;

import java.util.SplittableRandom;

import dev.geoloc.imaging.Preprocessing;

/**
 * Writes an image of an {@link ExampleSet} into a batch as the model wants it (normalised by the bundle's
 * mean and std), optionally augmented the way street photos vary: a small shift of the frame (a camera a
 * step to the side; edges repeated), and light (brightness, contrast, saturation, white balance).
 *
 * <p>No mirror flips: a mirrored street swaps the side of the road and of the sun, which tie a view to its
 * heading and place. No large crops: the predictor sees the whole centre crop at inference.
 */
final class Augmenter {

    private final int size;
    private final float[] mean;
    private final float[] std;
    private final int maxShift;
    /** The image being written, as floats in [0, 1]: an augmenter serves one training loop at a time. */
    private final float[] pixels;

    Augmenter(Preprocessing preprocessing) {
        this.size = preprocessing.inputSize();
        this.mean = preprocessing.mean();
        this.std = preprocessing.std();
        this.maxShift = Math.max(1, size / 16);
        this.pixels = new float[3 * size * size];
    }

    /** Copies image {@code index} into {@code batch} at {@code slot}, unchanged apart from normalisation. */
    void plain(ExampleSet set, int index, float[] batch, int slot) {
        int plane = size * size;
        set.read(index, pixels);
        int to = slot * set.imageFloats();
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < plane; p++) {
                batch[to + c * plane + p] = (pixels[c * plane + p] - mean[c]) / std[c];
            }
        }
    }

    /** Copies image {@code index} into {@code batch} at {@code slot} with a random shift and light change. */
    void augmented(ExampleSet set, int index, float[] batch, int slot, SplittableRandom random) {
        int plane = size * size;
        set.read(index, pixels);
        int to = slot * set.imageFloats();
        int dx = random.nextInt(-maxShift, maxShift + 1);
        int dy = random.nextInt(-maxShift, maxShift + 1);
        float brightness = uniform(random, 0.75f, 1.25f);
        float contrast = uniform(random, 0.75f, 1.25f);
        float saturation = uniform(random, 0.7f, 1.3f);
        float[] gain = {uniform(random, 0.94f, 1.06f), uniform(random, 0.94f, 1.06f), uniform(random, 0.94f, 1.06f)};
        float average = 0;
        for (int p = 0; p < 3 * plane; p++) {
            average += pixels[p];
        }
        average /= 3 * plane;
        for (int y = 0; y < size; y++) {
            int sy = Math.min(size - 1, Math.max(0, y + dy));
            for (int x = 0; x < size; x++) {
                int sx = Math.min(size - 1, Math.max(0, x + dx));
                int source = sy * size + sx;
                float r = pixels[source];
                float g = pixels[source + plane];
                float b = pixels[source + 2 * plane];
                float gray = 0.299f * r + 0.587f * g + 0.114f * b;
                float[] rgb = {r, g, b};
                for (int c = 0; c < 3; c++) {
                    float v = gray + (rgb[c] - gray) * saturation;
                    v = (average + (v - average) * contrast) * brightness * gain[c];
                    v = Math.min(1f, Math.max(0f, v));
                    batch[to + c * plane + y * size + x] = (v - mean[c]) / std[c];
                }
            }
        }
    }

    private static float uniform(SplittableRandom random, float low, float high) {
        return (float) (low + random.nextDouble() * (high - low));
    }
}
