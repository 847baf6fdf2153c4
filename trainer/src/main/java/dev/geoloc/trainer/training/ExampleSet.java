package dev.geoloc.trainer.training;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.Split;
import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.imaging.ResizePolicy;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.console.ProgressLine;

/**
 * One split of a dataset decoded once into memory: per image, RGB CHW pixels at the model's input size (not yet
 * normalised, so augmentation can work in pixel space), its region index and true coordinates. Decoding once
 * keeps epochs fast. Pixels are kept as 8-bit values, one array per image: 12 KB an image at 64 px, 150 KB at
 * 224 px (the study's 60,000 photos need about 9 GB of heap), where floats in one array would take four times
 * that and overflow an array's index past 14,000 images at 224 px.
 *
 * @param images    per image, {@code 3 x inputSize x inputSize} values, 0 to 255 (read them with {@link #read})
 * @param regions   label index of each image
 * @param latitudes true latitude of each image, degrees
 * @param longitudes true longitude of each image, degrees
 * @param skipped   images that could not be decoded, with the reason (they are left out, not fatal)
 */
public record ExampleSet(int inputSize, byte[][] images, int[] regions, float[] latitudes, float[] longitudes,
                  List<String> skipped) {

    public int size() {
        return regions.length;
    }

    int imageFloats() {
        return 3 * inputSize * inputSize;
    }

    /** Image {@code index} as floats in [0, 1], into {@code into} ({@link #imageFloats()} long). */
    void read(int index, float[] into) {
        byte[] image = images[index];
        for (int i = 0; i < image.length; i++) {
            into[i] = (image[i] & 0xFF) / 255f;
        }
    }

    /** Decodes a split for {@code contract}'s input, with a progress bar on {@code console}; says what it skipped. */
    public static ExampleSet load(Manifest manifest, Split split, RegionCatalog catalog, EncoderContract contract,
                                  java.io.PrintStream console) throws IOException {
        List<ManifestEntry> entries = manifest.split(split);
        ProgressLine progress = ProgressLine.of(new PrintWriter(console), "decoding " + split.label(), "images",
                entries.size());
        ExampleSet set = load(manifest, entries, catalog, contract.preprocessing().inputSize(),
                contract.preprocessing().resize(), progress::update);
        set.skipped().forEach(reason -> console.println("skipped " + reason));
        return set;
    }

    /** Decodes {@code entries} of {@code manifest} with the model's resize policy, reporting progress per image. */
    public static ExampleSet load(Manifest manifest, List<ManifestEntry> entries, RegionCatalog catalog, int inputSize,
                           ResizePolicy resize, java.util.function.IntConsumer progress) throws IOException {
        // mean 0, std 1: the tensor keeps x / 255; normalisation happens after augmentation
        ImagePreprocessor decoder = new ImagePreprocessor(
                new Preprocessing(inputSize, new float[] {0, 0, 0}, new float[] {1, 1, 1}, resize), ImageLimits.DEFAULT);
        float[] decoded = new float[3 * inputSize * inputSize];
        List<byte[]> images = new ArrayList<>();
        List<Integer> regions = new ArrayList<>();
        List<Float> latitudes = new ArrayList<>();
        List<Float> longitudes = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int done = 0;
        for (ManifestEntry entry : entries) {
            try {
                decoder.preprocess(Files.readAllBytes(manifest.resolve(entry)), decoded, 0);
                images.add(quantized(decoded));
                regions.add(catalog.indexOf(entry.regionId()));
                latitudes.add((float) entry.location().latitude());
                longitudes.add((float) entry.location().longitude());
            } catch (ImageRejectedException e) {
                skipped.add(entry.image() + ": " + e.getMessage());
            }
            progress.accept(++done);
        }
        return new ExampleSet(inputSize, images.toArray(byte[][]::new), regions.stream().mapToInt(Integer::intValue).toArray(),
                toArray(latitudes), toArray(longitudes), List.copyOf(skipped));
    }

    /** Resizing leaves values between the 8-bit steps: rounding them back moves a value by at most 1/510. */
    private static byte[] quantized(float[] pixels) {
        byte[] image = new byte[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            image[i] = (byte) Math.round(Math.min(1f, Math.max(0f, pixels[i])) * 255f);
        }
        return image;
    }

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
