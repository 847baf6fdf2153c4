package dev.geoloc.dataset.synth;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

/**
 * The synthetic city: one smooth random field per street trait over real coordinates, seeded, so the
 * same seed gives the same city everywhere on Earth and any catalog can be rendered from it.
 *
 * <p>Each trait mixes four scales: a block scale (about 1.2 km) that varies inside a region, a
 * district scale (about 4 km) that neighbouring regions largely share, a regional scale (about 12 km)
 * that sets the look of a part of the city, and a metropolitan scale (about 40 km) that drifts slowly
 * across the whole catalog, so that likeness keeps falling with distance rather than dropping to chance
 * past one length scale. Neighbours 3 to 5 km apart therefore look alike but not the same, and places 30
 * km or more apart differ.
 */
public final class CityFields {

    static final double[] SCALES_KM = {1.2, 4, 12, 40};
    /**
     * How much each scale contributes to most traits: chiefly district and up. Block-scale variety is kept
     * small because it makes a street look like any place at all, which spreads a model's mistakes
     * across the city instead of onto the neighbours.
     */
    private static final double[] STREET = {0.1, 0.6, 0.6, 0.5};
    /** Weather and terrain change over longer distances than streets do. */
    private static final double[] BROAD = {0.05, 0.3, 0.6, 0.7};

    private final Trait height;
    private final Trait density;
    private final Trait palette;
    private final Trait spread;
    private final Trait lightness;
    private final Trait trees;
    private final Trait palms;
    private final Trait greenness;
    private final Trait road;
    private final Trait asphalt;
    private final Trait signage;
    private final Trait signHue;
    private final Trait haze;
    private final Trait smog;
    private final Trait sky;
    private final Trait poles;
    private final Trait relief;
    private final long seed;

    public CityFields(long seed) {
        this.seed = seed;
        int trait = 0;
        height = new Trait(seed, trait++, STREET);
        density = new Trait(seed, trait++, STREET);
        palette = new Trait(seed, trait++, BROAD);
        spread = new Trait(seed, trait++, STREET);
        lightness = new Trait(seed, trait++, STREET);
        trees = new Trait(seed, trait++, STREET);
        palms = new Trait(seed, trait++, STREET);
        greenness = new Trait(seed, trait++, BROAD);
        road = new Trait(seed, trait++, STREET);
        asphalt = new Trait(seed, trait++, STREET);
        signage = new Trait(seed, trait++, STREET);
        signHue = new Trait(seed, trait++, STREET);
        haze = new Trait(seed, trait++, BROAD);
        smog = new Trait(seed, trait++, BROAD);
        sky = new Trait(seed, trait++, BROAD);
        poles = new Trait(seed, trait++, STREET);
        relief = new Trait(seed, trait, BROAD);
    }

    /** The city seed, which also seeds each place's buildings and street furniture ({@link Place}). */
    long seed() {
        return seed;
    }

    /** The street character at a point. */
    public StreetCharacter at(LatLon point) {
        double x = xKm(point);
        double y = yKm(point);
        double h = height.at(x, y);
        double built = density.at(x, y);
        return new StreetCharacter(
                1 + 26 * h * h * h,
                0.35 + 0.65 * built,
                (1 - built) * 10,
                palette.at(x, y),
                0.04 + 0.2 * spread.at(x, y),
                0.7 + 0.45 * lightness.at(x, y),
                6 * trees.at(x, y),
                palms.at(x, y),
                greenness.at(x, y),
                4 + 9 * road.at(x, y),
                asphalt.at(x, y),
                signage.at(x, y),
                signHue.at(x, y),
                0.8 + 6 * Math.pow(1 - haze.at(x, y), 2),
                smog.at(x, y),
                sky.at(x, y),
                Math.max(0, 1.6 * poles.at(x, y) - 0.5),
                elevationM(x, y));
    }

    /** Typical storeys at a point, for the distant skyline, without reading every other trait. */
    double storeys(LatLon point) {
        return 1 + 26 * Math.pow(height.at(xKm(point), yKm(point)), 3);
    }

    /** Ground height in metres: mostly flat basin, with ranges where the relief field runs high. */
    double elevationM(LatLon point) {
        return elevationM(xKm(point), yKm(point));
    }

    private double elevationM(double x, double y) {
        double r = Math.max(0, relief.at(x, y) - 0.7) / 0.3;
        return 1500 * r * r;
    }

    /**
     * A sinusoidal projection to kilometres: exact north-south, within a fraction of a percent east-west
     * across a city, and defined everywhere, so the city needs no reference point from the catalog.
     */
    private static double xKm(LatLon p) {
        return Math.toRadians(p.longitude()) * Geodesy.EARTH_RADIUS_KM * Math.cos(Math.toRadians(p.latitude()));
    }

    private static double yKm(LatLon p) {
        return Math.toRadians(p.latitude()) * Geodesy.EARTH_RADIUS_KM;
    }

    /** One trait: a field per scale, mixed by weight and squashed into [0, 1] (about uniform). */
    private static final class Trait {

        private final SpatialField[] fields = new SpatialField[SCALES_KM.length];
        private final double[] weights = new double[SCALES_KM.length];

        Trait(long seed, int trait, double[] mix) {
            double norm = Math.sqrt(java.util.Arrays.stream(mix).map(w -> w * w).sum());
            for (int i = 0; i < SCALES_KM.length; i++) {
                fields[i] = new SpatialField(Seeds.derive(seed, trait, i), SCALES_KM[i]);
                weights[i] = mix[i] / norm;
            }
        }

        double at(double x, double y) {
            double v = 0;
            for (int i = 0; i < fields.length; i++) {
                if (weights[i] != 0) {
                    v += weights[i] * fields[i].at(x, y);
                }
            }
            // tanh(0.85 v) follows the normal CDF closely, so a unit Gaussian comes out near uniform.
            return 0.5 + 0.5 * Math.tanh(0.85 * v);
        }
    }
}
