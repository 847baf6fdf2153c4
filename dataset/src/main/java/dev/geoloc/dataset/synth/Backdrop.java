package dev.geoloc.dataset.synth;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.geom.Path2D;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

/**
 * What lies beyond the street: sky, the sun's glow, mountains and the distant skyline. These are read
 * from the city's fields at points kilometres ahead in the heading's direction, which is what makes the
 * four headings of one spot differ in more than chance: looking toward a range shows it, looking toward
 * downtown shows towers.
 */
final class Backdrop {

    /** Mountains drawn steeper than they are, so a range reads at thumbnail size. */
    private static final double RELIEF_EXAGGERATION = 2.5;
    private static final double[] MOUNTAIN_DISTANCES_KM = {5, 9, 15, 24};
    private static final double[] SKYLINE_DISTANCES_KM = {2.8, 1.4, 0.7, 0.35};
    private static final Rgb MOUNTAIN = Rgb.of(0x6E6A58);
    private static final Rgb TOWER = Rgb.of(0x8C939C);

    private final CityFields fields;

    Backdrop(CityFields fields) {
        this.fields = fields;
    }

    void paint(Scene scene, Shot shot, Rgb zenith) {
        paintSky(scene, zenith);
        paintMountains(scene, shot);
        paintSkyline(scene, shot);
    }

    private void paintSky(Scene scene, Rgb zenith) {
        float horizon = (float) scene.camera().horizonY();
        scene.g().setPaint(new GradientPaint(0, 0, zenith.color(), 0, horizon, scene.light().haze().color()));
        scene.g().fillRect(0, 0, scene.width(), (int) Math.ceil(horizon) + 2);
        Lighting light = scene.light();
        double sunAngle = Math.toDegrees(Math.atan2(light.sunX(), light.sunZ()));
        if (Math.abs(sunAngle) < 75) {
            // Looking toward the sun: a warm glare that washes out the sky on that side.
            float x = (float) scene.camera().screenX(sunAngle);
            float y = (float) (horizon - scene.camera().focal() * Math.tan(light.sunElevation()));
            float radius = scene.width() * 0.8f;
            float strength = (float) (0.6 * Math.cos(Math.toRadians(sunAngle)));
            scene.g().setPaint(new RadialGradientPaint(x, y, radius, new float[] {0, 1},
                    new Color[] {new Color(1f, 0.97f, 0.86f, strength), new Color(1f, 0.97f, 0.86f, 0f)}));
            scene.g().fillRect(0, 0, scene.width(), scene.height());
        }
    }

    private void paintMountains(Scene scene, Shot shot) {
        double here = fields.elevationM(shot.location());
        Path2D.Float ridge = new Path2D.Float();
        float horizon = (float) scene.camera().horizonY() + 1;
        boolean any = false;
        ridge.moveTo(scene.camera().screenX(-70), horizon);
        for (int angle = -70; angle <= 70; angle += 7) {
            double rise = 0;
            for (double km : MOUNTAIN_DISTANCES_KM) {
                LatLon point = Geodesy.destination(shot.location(), shot.heading() + angle, km);
                rise = Math.max(rise, (fields.elevationM(point) - here) * RELIEF_EXAGGERATION / (km * 1000));
            }
            any |= rise > 0.005;
            ridge.lineTo(scene.camera().screenX(angle), horizon - scene.camera().focal() * rise);
        }
        ridge.lineTo(scene.camera().screenX(70), horizon);
        ridge.closePath();
        if (any) {
            Rgb colour = scene.light().hazed(MOUNTAIN, 9000).mix(scene.light().haze(), 0.15);
            scene.g().setColor(colour.color());
            scene.g().fill(ridge);
        }
    }

    private void paintSkyline(Scene scene, Shot shot) {
        Camera camera = scene.camera();
        for (double km : SKYLINE_DISTANCES_KM) {
            Rgb colour = scene.light().hazed(TOWER, km * 1000);
            for (int angle = -55; angle <= 55; angle += 5) {
                // Every draw before the test: the place's dice must not depend on what this camera sees.
                double bearing = angle + scene.placeUniform(-2.5, 2.5);
                double scale = scene.placeUniform(0.6, 1.3);
                double widthM = scene.placeUniform(12, 30);
                double tone = scene.placeUniform(0.9, 1.08);
                LatLon point = Geodesy.destination(shot.location(), shot.heading() + bearing, km);
                double storeys = fields.storeys(point) * scale;
                if (storeys < 4) {
                    continue;
                }
                double metres = km * 1000;
                double top = camera.horizonY() - camera.pixels(storeys * 3.4 - 2.5, metres);
                double half = camera.pixels(widthM, metres);
                double x = camera.screenX(bearing);
                scene.g().setColor(colour.times(tone).color());
                scene.g().fill(new java.awt.geom.Rectangle2D.Double(x - half, top, 2 * half,
                        camera.horizonY() - top + 1));
            }
        }
    }
}
