package dev.geoloc.trainer.evaluation;

import java.util.Locale;

import dev.geoloc.regions.CatalogReader;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.RegionCatalog;

/**
 * Three small regions on the equator with centers at longitude 0, 0.1 and 0.3 degrees, so every distance
 * along the line is a multiple of {@link #KM_PER_DEGREE}: A-B 0.1, B-C 0.2, A-C 0.3 degrees.
 */
final class LineCatalog {

    /** Kilometres per degree of longitude on the equator, by the haversine's sphere. */
    static final double KM_PER_DEGREE = Geodesy.EARTH_RADIUS_KM * Math.PI / 180;
    static final int A = 0;
    static final int B = 1;
    static final int C = 2;
    static final RegionCatalog CATALOG = CatalogReader.parse("""
            {"city": "Line", "regions": [%s, %s, %s]}""".formatted(
            region("alpha", "Alpha", 0.0), region("beta", "Beta", 0.1), region("gamma", "Gamma", 0.3)), "test");

    private LineCatalog() {
    }

    /** The point on the equator at this longitude. */
    static LatLon at(double longitude) {
        return new LatLon(0, longitude);
    }

    private static String region(String id, String name, double longitude) {
        double west = longitude - 0.01;
        double east = longitude + 0.01;
        return String.format(Locale.ROOT, """
                {"id": "%1$s", "name": "%2$s", "description": "test region",
                 "bbox": {"corners": [
                   {"name": "southeast", "latitude": -0.01, "longitude": %4$.4f},
                   {"name": "southwest", "latitude": -0.01, "longitude": %3$.4f},
                   {"name": "northwest", "latitude": 0.01, "longitude": %3$.4f},
                   {"name": "northeast", "latitude": 0.01, "longitude": %4$.4f}]},
                 "sampling": {"num_samples": 4, "method": "grid", "headings": [0, 180]},
                 "output": {"directory": "out_%1$s", "prefix": "%1$s"},
                 "validation": {"enabled": true, "radius": 50, "max_attempts": 8}}""", id, name, west, east);
    }
}
