package dev.geoloc.regions;

import java.util.List;

/**
 * Points whose distances from one point after another are wanted in bulk: the photo samples an error bar is
 * measured over, hundreds per image. Haversine's four trigonometric calls per pair cost more than the model on a
 * small encoder, so this takes the distance on the plane at the pair's mean latitude,
 * R · √(Δφ² + (cos φ_m · Δλ)²), with cos φ_m from the halves of each side's latitude, kept per point: no
 * trigonometry per pair. Within a city its error against haversine is of order (d / R)², under 0.01 % (a metre at
 * 10 km); it is no measure for continents. Immutable.
 */
public final class NearbyPoints {

    private final double[] latitudes;
    private final double[] longitudes;
    private final double[] cosHalfLatitudes;
    private final double[] sinHalfLatitudes;

    public NearbyPoints(List<LatLon> points) {
        int n = points.size();
        latitudes = new double[n];
        longitudes = new double[n];
        cosHalfLatitudes = new double[n];
        sinHalfLatitudes = new double[n];
        for (int i = 0; i < n; i++) {
            latitudes[i] = Math.toRadians(points.get(i).latitude());
            longitudes[i] = Math.toRadians(points.get(i).longitude());
            cosHalfLatitudes[i] = Math.cos(latitudes[i] / 2);
            sinHalfLatitudes[i] = Math.sin(latitudes[i] / 2);
        }
    }

    public int size() {
        return latitudes.length;
    }

    /** Kilometres from {@code from} to each point, written to {@code into} from {@code offset} on, in order. */
    public void distancesKm(LatLon from, double[] into, int offset) {
        double latitude = Math.toRadians(from.latitude());
        double longitude = Math.toRadians(from.longitude());
        double cosHalf = Math.cos(latitude / 2);
        double sinHalf = Math.sin(latitude / 2);
        for (int i = 0; i < latitudes.length; i++) {
            // cos((φ1 + φ2) / 2) = cos(φ1/2) cos(φ2/2) − sin(φ1/2) sin(φ2/2)
            double cosMean = cosHalf * cosHalfLatitudes[i] - sinHalf * sinHalfLatitudes[i];
            double north = latitude - latitudes[i];
            double east = cosMean * (longitude - longitudes[i]);
            into[offset + i] = Geodesy.EARTH_RADIUS_KM * Math.sqrt(north * north + east * east);
        }
    }
}
