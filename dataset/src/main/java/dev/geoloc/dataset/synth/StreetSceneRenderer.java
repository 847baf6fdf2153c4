package dev.geoloc.dataset.synth;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

/**
 * Renders one synthetic street photo: reads the city's character and the {@link Place} at the camera, draws
 * the light and the camera's pose for this photo, then paints backdrop, street and camera effects in that
 * order. Pure function of the city seed, the size, the noise level and the {@link Shot}; safe to call from
 * many threads at once.
 */
public final class StreetSceneRenderer {

    private static final double CAMERA_HEIGHT_M = 2.5;
    private static final Rgb PALE_SKY = Rgb.of(0xA9BACB);
    private static final Rgb DEEP_SKY = Rgb.of(0x3D6FB8);
    private static final Rgb MARINE_HAZE = Rgb.of(0xD3DADF);
    private static final Rgb INLAND_SMOG = Rgb.of(0xD8C7A4);

    private final CityFields fields;
    private final int width;
    private final int height;
    private final double noise;
    private final Backdrop backdrop;
    private final StreetPainter street = new StreetPainter();

    /**
     * @param noise how strongly chance varies each photo: 0 none, 1 the default, up to about 3
     */
    public StreetSceneRenderer(CityFields fields, int width, int height, double noise) {
        this.fields = fields;
        this.width = width;
        this.height = height;
        this.noise = noise;
        this.backdrop = new Backdrop(fields);
    }

    public BufferedImage render(Shot shot) {
        SplittableRandom random = new SplittableRandom(shot.seed());
        Place place = Place.at(fields.seed(), shot.location());
        StreetCharacter character = fields.at(place.centre());
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            Scene scene = compose(g, shot, character, place, random);
            Rgb zenith = PALE_SKY.mix(DEEP_SKY, character.skyBlue());
            backdrop.paint(scene, shot, zenith);
            double roadHalf = character.roadHalfWidthM() * scene.placeUniform(0.85, 1.15);
            street.paint(scene, roadHalf, scene.placeUniform(2.2, 4));
        } finally {
            g.dispose();
        }
        CameraEffects.apply(image, random, noise);
        return image;
    }

    /** This photo's light and camera pose: the sun in the southern sky, the camera a little off true. */
    private Scene compose(Graphics2D g, Shot shot, StreetCharacter character, Place place, SplittableRandom random) {
        double sunAzimuth = 180 + random.nextGaussian() * 30;
        double sunElevation = Math.toRadians(30 + random.nextDouble() * 30);
        double relative = Math.toRadians(sunAzimuth - shot.heading());
        Rgb haze = MARINE_HAZE.mix(INLAND_SMOG, character.smog()).mix(PALE_SKY.mix(DEEP_SKY, character.skyBlue()), 0.2);
        Lighting light = new Lighting(Math.sin(relative), Math.cos(relative), sunElevation, haze,
                character.visibilityKm() * 1000);

        // A street climbing ahead shows more road: tilt the horizon by the slope over the next 300 m.
        LatLon ahead = Geodesy.destination(shot.location(), shot.heading(), 0.3);
        double slope = (fields.elevationM(ahead) - character.elevationM()) / 300;
        double yaw = Math.max(-8, Math.min(8, random.nextGaussian() * 3 * noise));
        double horizon = height * 0.5 + random.nextGaussian() * height * 0.02 * noise - width / 2.0 * slope;
        double offset = character.roadHalfWidthM() * (0.15 + 0.4 * random.nextDouble());
        Camera camera = new Camera(width, horizon, offset, CAMERA_HEIGHT_M, yaw);
        return new Scene(g, width, height, camera, character, place, light, random, place.ahead(shot.heading()), noise);
    }
}
