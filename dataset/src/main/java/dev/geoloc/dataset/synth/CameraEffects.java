package dev.geoloc.dataset.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.SplittableRandom;

/**
 * What the camera adds after the scene: exposure, white balance and sensor noise, drawn per photo so
 * two photos of one street never match pixel for pixel and a model must look past the light.
 */
final class CameraEffects {

    private CameraEffects() {
    }

    static void apply(BufferedImage image, SplittableRandom random, double noise) {
        double exposure = Math.exp(random.nextGaussian() * 0.12 * noise);
        double warm = random.nextGaussian() * 0.04 * noise;
        double red = exposure * (1 + warm);
        double green = exposure;
        double blue = exposure * (1 - warm);
        int grain = (int) Math.round(1 + 4 * noise);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            // Two uniforms sum to a triangular grain, cheaper than a Gaussian and as good to the eye.
            int n = random.nextInt(-grain, grain + 1) + random.nextInt(-grain, grain + 1);
            int r = channel(((p >> 16) & 0xFF) * red + n);
            int g = channel(((p >> 8) & 0xFF) * green + n);
            int b = channel((p & 0xFF) * blue + n);
            pixels[i] = (r << 16) | (g << 8) | b;
        }
    }

    private static int channel(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }
}
