package dev.geoloc.dataset.synth;

import java.util.List;

import dev.geoloc.dataset.SplitPlan;
import dev.geoloc.regions.Region;

/**
 * How to generate a SynthCity dataset. Everything that changes the output is here, so equal configs
 * give byte-identical datasets; the thread count is not, because it changes nothing but speed.
 *
 * @param seed               draws the locations, each photo's chance and the splits
 * @param citySeed           draws the city itself: its fields and the buildings, signs, trees and poles of each
 *                           place; keep it fixed to add more photos of the same city with another {@code seed}
 * @param locationsPerRegion spots per region, each photographed at every heading
 * @param headings           headings to photograph, degrees from north; empty means each region's own
 *                           sampling headings from the catalog
 * @param width              image width in pixels (16 to 1024)
 * @param height             image height in pixels (16 to 1024)
 * @param jpegQuality        JPEG quality, 1 to 100
 * @param noise              per-photo variation (light, camera pose, grain): 0 none, 1 default, at most 3
 * @param split              how to split: mode, train/validation/test shares by location, blocks
 */
public record SynthCityConfig(long seed, long citySeed, int locationsPerRegion, List<Integer> headings,
                              int width, int height, int jpegQuality, double noise, SplitPlan split) {

    public static final long DEFAULT_SEED = 42;
    public static final long DEFAULT_CITY_SEED = 1;

    public SynthCityConfig {
        headings = List.copyOf(headings);
        if (locationsPerRegion < 1) {
            throw new IllegalArgumentException("locations per region must be at least 1, not " + locationsPerRegion);
        }
        for (int heading : headings) {
            if (heading < 0 || heading >= 360) {
                throw new IllegalArgumentException("heading " + heading + " is outside [0, 360)");
            }
        }
        if (headings.stream().distinct().count() != headings.size()) {
            throw new IllegalArgumentException("headings " + headings + " repeat a heading");
        }
        if (width < 16 || width > 1024 || height < 16 || height > 1024) {
            throw new IllegalArgumentException("image size " + width + "x" + height + " must be 16 to 1024 per side");
        }
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("JPEG quality " + jpegQuality + " must be 1 to 100");
        }
        if (!(noise >= 0 && noise <= 3)) {
            throw new IllegalArgumentException("noise " + noise + " must be 0 to 3");
        }
    }

    /**
     * Seed 42, city 1, 100 locations per region, the catalog's headings, 128x128, quality 90, noise 1, and a
     * blocked 80/10/10 split ({@link SplitPlan#DEFAULT}).
     */
    public static SynthCityConfig defaults() {
        return new SynthCityConfig(DEFAULT_SEED, DEFAULT_CITY_SEED, 100, List.of(), 128, 128, 90, 1.0, SplitPlan.DEFAULT);
    }

    public SynthCityConfig withSeed(long value) {
        return new SynthCityConfig(value, citySeed, locationsPerRegion, headings, width, height, jpegQuality, noise, split);
    }

    public SynthCityConfig withCitySeed(long value) {
        return new SynthCityConfig(seed, value, locationsPerRegion, headings, width, height, jpegQuality, noise, split);
    }

    public SynthCityConfig withLocationsPerRegion(int value) {
        return new SynthCityConfig(seed, citySeed, value, headings, width, height, jpegQuality, noise, split);
    }

    public SynthCityConfig withHeadings(List<Integer> value) {
        return new SynthCityConfig(seed, citySeed, locationsPerRegion, value, width, height, jpegQuality, noise, split);
    }

    public SynthCityConfig withSize(int w, int h) {
        return new SynthCityConfig(seed, citySeed, locationsPerRegion, headings, w, h, jpegQuality, noise, split);
    }

    public SynthCityConfig withJpegQuality(int value) {
        return new SynthCityConfig(seed, citySeed, locationsPerRegion, headings, width, height, value, noise, split);
    }

    public SynthCityConfig withNoise(double value) {
        return new SynthCityConfig(seed, citySeed, locationsPerRegion, headings, width, height, jpegQuality, value, split);
    }

    public SynthCityConfig withSplit(SplitPlan value) {
        return new SynthCityConfig(seed, citySeed, locationsPerRegion, headings, width, height, jpegQuality, noise, value);
    }

    /** The headings to photograph in a region: the configured ones, or else the region's own. */
    public List<Integer> headingsFor(Region region) {
        return headings.isEmpty() ? region.sampling().headings() : headings;
    }
}
