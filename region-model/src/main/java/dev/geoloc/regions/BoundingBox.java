package dev.geoloc.regions;

/**
 * A latitude/longitude-aligned box, edges included. Boxes crossing the antimeridian are not supported: no
 * city catalog needs them, and allowing {@code east < west} would hide inverted boxes.
 */
public record BoundingBox(double south, double west, double north, double east) {

    public BoundingBox {
        new LatLon(south, west);
        new LatLon(north, east);
        if (!(north > south)) {
            throw new IllegalArgumentException("north " + north + " must be above south " + south);
        }
        if (!(east > west)) {
            throw new IllegalArgumentException("east " + east + " must be right of west " + west);
        }
    }

    public LatLon center() {
        return new LatLon((south + north) / 2, (west + east) / 2);
    }

    public LatLon southeast() {
        return new LatLon(south, east);
    }

    public LatLon southwest() {
        return new LatLon(south, west);
    }

    public LatLon northwest() {
        return new LatLon(north, west);
    }

    public LatLon northeast() {
        return new LatLon(north, east);
    }

    public boolean contains(LatLon point) {
        return point.latitude() >= south && point.latitude() <= north
                && point.longitude() >= west && point.longitude() <= east;
    }

    /** True when the boxes share an area; touching edges do not count. */
    public boolean overlaps(BoundingBox other) {
        return south < other.north && other.south < north && west < other.east && other.west < east;
    }

    /** Kilometres from the point to the nearest point of the box: 0 inside. */
    public double distanceKm(LatLon point) {
        LatLon nearest = new LatLon(clamp(point.latitude(), south, north), clamp(point.longitude(), west, east));
        return Geodesy.haversineKm(point, nearest);
    }

    /** Kilometres from the point to the farthest corner: a disc of this radius covers the whole box. */
    public double farthestCornerKm(LatLon point) {
        return Math.max(Math.max(Geodesy.haversineKm(point, southeast()), Geodesy.haversineKm(point, southwest())),
                Math.max(Geodesy.haversineKm(point, northwest()), Geodesy.haversineKm(point, northeast())));
    }

    /** Width and height in kilometres, measured through the center. */
    public double widthKm() {
        double mid = (south + north) / 2;
        return Geodesy.haversineKm(new LatLon(mid, west), new LatLon(mid, east));
    }

    public double heightKm() {
        double mid = (west + east) / 2;
        return Geodesy.haversineKm(new LatLon(south, mid), new LatLon(north, mid));
    }

    private static double clamp(double value, double low, double high) {
        return Math.max(low, Math.min(high, value));
    }
}
