package dev.geoloc.trainer.training;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.imaging.ResizePolicy;
import dev.geoloc.regions.RegionCatalog;

/**
 * One split of a dataset decoded once into memory: per image, RGB CHW floats in [0, 1] at the model's
 * input size (not yet normalised, so augmentation can work in pixel space), its region index and true
 * coordinates. A few thousand 64 px images take tens of MB, and decoding once keeps epochs fast.
 *
 * @param pixels    {@code size() x 3 x inputSize x inputSize} floats
 * @param regions   label index of each image
 * @param latitudes true latitude of each image, degrees
 * @param longitudes true longitude of each image, degrees
 * @param skipped   images that could not be decoded, with the reason (they are left out, not fatal)
 */
public record ExampleSet(int inputSize, float[] pixels, int[] regions, float[] latitudes, float[] longitudes,
                  List<String> skipped) {

    public int size() {
        return regions.length;
    }

    int imageFloats() {
        return 3 * inputSize * inputSize;
    }

    /** Decodes {@code entries} of {@code manifest} with the model's resize policy, reporting progress per image. */
    public static ExampleSet load(Manifest manifest, List<ManifestEntry> entries, RegionCatalog catalog, int inputSize,
                           ResizePolicy resize, java.util.function.IntConsumer progress) throws IOException {
        // mean 0, std 1: the tensor keeps x / 255; normalisation happens after augmentation
        ImagePreprocessor decoder = new ImagePreprocessor(
                new Preprocessing(inputSize, new float[] {0, 0, 0}, new float[] {1, 1, 1}, resize), ImageLimits.DEFAULT);
        int floats = 3 * inputSize * inputSize;
        float[] pixels = new float[entries.size() * floats];
        List<Integer> regions = new ArrayList<>();
        List<Float> latitudes = new ArrayList<>();
        List<Float> longitudes = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int done = 0;
        for (ManifestEntry entry : entries) {
            try {
                decoder.preprocess(Files.readAllBytes(manifest.resolve(entry)), pixels, regions.size() * floats);
                regions.add(catalog.indexOf(entry.regionId()));
                latitudes.add((float) entry.location().latitude());
                longitudes.add((float) entry.location().longitude());
            } catch (ImageRejectedException e) {
                skipped.add(entry.image() + ": " + e.getMessage());
            }
            progress.accept(++done);
        }
        int n = regions.size();
        float[] kept = n == entries.size() ? pixels : java.util.Arrays.copyOf(pixels, n * floats);
        return new ExampleSet(inputSize, kept, regions.stream().mapToInt(Integer::intValue).toArray(),
                toArray(latitudes), toArray(longitudes), List.copyOf(skipped));
    }

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
