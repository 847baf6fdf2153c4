package dev.geoloc.dataset.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

class StreetSceneRendererTest {

    private final StreetSceneRenderer renderer = new StreetSceneRenderer(new CityFields(1), 64, 64, 1.0);

    @Test
    void aShotRendersTheSamePixelsEveryTime() {
        Shot shot = new Shot(new LatLon(34.05, -118.25), 90, 7);

        assertThat(SynthCityGeneratorTest.pixels(renderer.render(shot)))
                .isEqualTo(SynthCityGeneratorTest.pixels(renderer.render(shot)));
    }

    @Test
    void nearbyPlacesLookMoreAlikeThanFarOnes() {
        SplittableRandom random = new SplittableRandom(3);
        double near = 0;
        double far = 0;
        int pairs = 60;
        for (int i = 0; i < pairs; i++) {
            LatLon here = new LatLon(33.8 + random.nextDouble() * 0.4, -118.5 + random.nextDouble() * 0.4);
            int heading = 90 * random.nextInt(4);
            BufferedImage base = renderer.render(new Shot(here, heading, random.nextLong()));
            LatLon close = Geodesy.destination(here, random.nextDouble() * 360, 0.3);
            LatLon distant = Geodesy.destination(here, random.nextDouble() * 360, 40);
            near += difference(base, renderer.render(new Shot(close, heading, random.nextLong())));
            far += difference(base, renderer.render(new Shot(distant, heading, random.nextLong())));
        }
        System.out.printf("Mean pixel difference: 300 m apart %.1f, 40 km apart %.1f%n", near / pairs, far / pairs);

        assertThat(near / pairs).isLessThan(0.8 * far / pairs);
    }

    @Test
    void panoramasInOneCellShareTheirStreetAndTheNextCellIsAnother() {
        SplittableRandom random = new SplittableRandom(5);
        double sameCell = 0;
        double nextCell = 0;
        int pairs = 40;
        for (int i = 0; i < pairs; i++) {
            LatLon centre = Place.at(1, new LatLon(33.8 + random.nextDouble() * 0.4, -118.5 + random.nextDouble() * 0.4))
                    .centre();
            LatLon here = Geodesy.destination(centre, random.nextDouble() * 360, 0.02);
            LatLon there = Geodesy.destination(centre, random.nextDouble() * 360, 0.04);
            LatLon neighbour = Geodesy.destination(centre, 90 * random.nextInt(4), Place.CELL_KM);
            int heading = 90 * random.nextInt(4);
            BufferedImage base = renderer.render(new Shot(here, heading, random.nextLong()));
            sameCell += difference(base, renderer.render(new Shot(there, heading, random.nextLong())));
            nextCell += difference(base, renderer.render(new Shot(neighbour, heading, random.nextLong())));
        }
        System.out.printf("Mean pixel difference: same 120 m cell %.1f, next cell %.1f%n", sameCell / pairs,
                nextCell / pairs);

        // Light, pose, cars and grain still differ per photo, so even one street differs by about three quarters
        // of two streets (22.5 against 30.7 at 64 px; before places persisted, the two were alike).
        assertThat(sameCell / pairs).isLessThan(0.85 * nextCell / pairs);
    }

    @Test
    void noiseZeroStillVariesTheLightTheCarsAndWhereTheCameraStandsButNotTheStreet() {
        StreetSceneRenderer calm = new StreetSceneRenderer(new CityFields(1), 64, 64, 0);
        LatLon spot = new LatLon(34.05, -118.25);

        assertThat(SynthCityGeneratorTest.pixels(calm.render(new Shot(spot, 0, 1))))
                .isNotEqualTo(SynthCityGeneratorTest.pixels(calm.render(new Shot(spot, 0, 2))));
    }

    /** Mean absolute difference per channel over 8x8 block averages, 0 to 255: layout and colour, not texture. */
    private static double difference(BufferedImage a, BufferedImage b) {
        double sum = 0;
        for (int by = 0; by < 8; by++) {
            for (int bx = 0; bx < 8; bx++) {
                int[] ma = blockMean(a, bx, by);
                int[] mb = blockMean(b, bx, by);
                for (int c = 0; c < 3; c++) {
                    sum += Math.abs(ma[c] - mb[c]);
                }
            }
        }
        return sum / (8 * 8 * 3);
    }

    private static int[] blockMean(BufferedImage image, int bx, int by) {
        int size = image.getWidth() / 8;
        long r = 0;
        long g = 0;
        long b = 0;
        for (int y = by * size; y < (by + 1) * size; y++) {
            for (int x = bx * size; x < (bx + 1) * size; x++) {
                int p = image.getRGB(x, y);
                r += (p >> 16) & 0xFF;
                g += (p >> 8) & 0xFF;
                b += p & 0xFF;
            }
        }
        int n = size * size;
        return new int[] {(int) (r / n), (int) (g / n), (int) (b / n)};
    }
}
