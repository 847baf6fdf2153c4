package dev.geoloc.dataset.synth;

import java.awt.Graphics2D;
import java.awt.geom.Path2D;
import java.util.SplittableRandom;

/**
 * One photo being painted: the canvas, the camera, the place's character, the light and two sets of dice:
 * {@code random}, this photo's own (light, pose, parked cars, grain), and {@code place}, the street ahead at
 * this place (buildings, signs, trees, poles, skyline), the same for every photo there ({@link Place}).
 */
record Scene(Graphics2D g, int width, int height, Camera camera, StreetCharacter street, Place where, Lighting light,
             SplittableRandom random, SplittableRandom place, double noise) {

    /** Fills a flat polygon given in street coordinates, clipped to what lies in front of the camera. */
    void fill(Rgb colour, double[] xs, double[] ys, double[] zs) {
        Path2D.Float outline = camera.project(xs, ys, zs);
        if (outline != null) {
            g.setColor(colour.color());
            g.fill(outline);
        }
    }

    /** Fills a rectangle on the ground, x from {@code x0} to {@code x1}, z from {@code z0} to {@code z1}. */
    void fillGround(Rgb colour, double x0, double x1, double z0, double z1) {
        fill(colour, new double[] {x0, x1, x1, x0}, new double[] {0, 0, 0, 0}, new double[] {z0, z0, z1, z1});
    }

    /** Fills a rectangle on the vertical plane x = {@code x}, from z0 to z1 and y0 to y1. */
    void fillAlongStreet(Rgb colour, double x, double z0, double z1, double y0, double y1) {
        fill(colour, new double[] {x, x, x, x}, new double[] {y0, y1, y1, y0}, new double[] {z0, z0, z1, z1});
    }

    /** Fills a rectangle on the vertical plane z = {@code z}, facing the camera, from x0 to x1 and y0 to y1. */
    void fillFacing(Rgb colour, double z, double x0, double x1, double y0, double y1) {
        fill(colour, new double[] {x0, x0, x1, x1}, new double[] {y0, y1, y1, y0}, new double[] {z, z, z, z});
    }

    /** A draw from this photo's dice. */
    double uniform(double low, double high) {
        return low + random.nextDouble() * (high - low);
    }

    /** A draw from the place's dice. */
    double placeUniform(double low, double high) {
        return low + place.nextDouble() * (high - low);
    }
}
