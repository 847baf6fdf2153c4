package dev.geoloc.trainer.loss;

import java.util.Locale;

import dev.geoloc.regions.CatalogReader;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.RegionCatalog;

/**
 * Three regions strung along one meridian, so their distances are arcs of it: d = R·Δφ exactly. Every coordinate
 * is a multiple of 1/128 degree, which float32 holds exactly, so a photo "at a center" is exactly there.
 *
 * <pre>
 *   a: latitude 34.0    – 34.03125, center 34.015625
 *   b: latitude 34.0625 – 34.09375, center 34.078125     (0.0625° north of a)
 *   c: latitude 34.1875 – 34.21875, center 34.203125     (0.125° north of b)
 *   all: longitude −118.25 – −118.21875, center −118.234375
 * </pre>
 */
final class LineCatalog {

    static final double CENTER_LONGITUDE = -118.234375;
    static final double[] CENTER_LATITUDES = {34.015625, 34.078125, 34.203125};

    /** About 6.95 km. */
    static final double D_AB = Geodesy.EARTH_RADIUS_KM * Math.toRadians(0.0625);
    /** About 13.90 km. */
    static final double D_BC = Geodesy.EARTH_RADIUS_KM * Math.toRadians(0.125);
    /** About 20.85 km. */
    static final double D_AC = Geodesy.EARTH_RADIUS_KM * Math.toRadians(0.1875);

    /** Distances between centers, written out: D[i][j]. */
    static final double[][] D = {
            {0, D_AB, D_AC},
            {D_AB, 0, D_BC},
            {D_AC, D_BC, 0}};

    private static final String JSON = "{\"city\":\"Lineville\",\"regions\":["
            + region("a", 34.0, 34.03125) + ","
            + region("b", 34.0625, 34.09375) + ","
            + region("c", 34.1875, 34.21875) + "]}";

    private LineCatalog() {
    }

    static RegionCatalog catalog() {
        return CatalogReader.parse(JSON, "line catalog");
    }

    /** log softmax(z)_j, by hand. */
    static double logSoftmax(double[] z, int j) {
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v);
        }
        return z[j] - Math.log(sum);
    }

    /** softmax(z)_j, by hand. */
    static double softmax(double[] z, int j) {
        return Math.exp(logSoftmax(z, j));
    }

    private static String region(String id, double south, double north) {
        return String.format(Locale.ROOT, """
                {"id":"%1$s","name":"%1$s","description":"test region %1$s",
                 "bbox":{"corners":[
                   {"name":"southeast","latitude":%2$s,"longitude":-118.21875},
                   {"name":"southwest","latitude":%2$s,"longitude":-118.25},
                   {"name":"northwest","latitude":%3$s,"longitude":-118.25},
                   {"name":"northeast","latitude":%3$s,"longitude":-118.21875}]},
                 "sampling":{"num_samples":4,"method":"grid","headings":[0,180]},
                 "output":{"directory":"out_%1$s","prefix":"%1$s"},
                 "validation":{"enabled":true,"radius":50,"max_attempts":8}}""",
                id, Double.toString(south), Double.toString(north));
    }
}
