package dev.geoloc.regions;

/**
 * A point on the Earth in decimal degrees (WGS 84), as photos and region boxes are given.
 *
 * @throws IllegalArgumentException for a latitude outside [-90, 90], a longitude outside [-180, 180], or NaN
 */
public record LatLon(double latitude, double longitude) {

    public LatLon {
        if (!(latitude >= -90 && latitude <= 90)) {
            throw new IllegalArgumentException("latitude " + latitude + " is outside [-90, 90]");
        }
        if (!(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("longitude " + longitude + " is outside [-180, 180]");
        }
    }

    /** Great-circle distance in kilometres. */
    public double distanceKm(LatLon other) {
        return Geodesy.haversineKm(this, other);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "(%.6f, %.6f)", latitude, longitude);
    }
}
