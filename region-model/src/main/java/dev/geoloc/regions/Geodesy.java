package dev.geoloc.regions;

/**
 * Distances on a sphere. At city scale the spherical model is within 0.5 % of the ellipsoid, far below
 * the size of a region, so haversine is all the system needs.
 */
public final class Geodesy {

    /** The IUGG mean Earth radius. */
    public static final double EARTH_RADIUS_KM = 6371.0088;

    private Geodesy() {
    }

    /** Great-circle distance in kilometres by the haversine formula, stable for short distances. */
    public static double haversineKm(LatLon a, LatLon b) {
        double phi1 = Math.toRadians(a.latitude());
        double phi2 = Math.toRadians(b.latitude());
        double dPhi = phi2 - phi1;
        double dLambda = Math.toRadians(b.longitude() - a.longitude());
        double h = sin2(dPhi / 2) + Math.cos(phi1) * Math.cos(phi2) * sin2(dLambda / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }

    /** The point reached from {@code start} after {@code distanceKm} along the initial bearing (degrees from north). */
    public static LatLon destination(LatLon start, double bearingDegrees, double distanceKm) {
        double delta = distanceKm / EARTH_RADIUS_KM;
        double theta = Math.toRadians(bearingDegrees);
        double phi1 = Math.toRadians(start.latitude());
        double lambda1 = Math.toRadians(start.longitude());
        double phi2 = Math.asin(Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta));
        double lambda2 = lambda1 + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi1),
                Math.cos(delta) - Math.sin(phi1) * Math.sin(phi2));
        double longitude = (Math.toDegrees(lambda2) + 540) % 360 - 180;
        return new LatLon(Math.toDegrees(phi2), longitude);
    }

    private static double sin2(double x) {
        double s = Math.sin(x);
        return s * s;
    }
}
