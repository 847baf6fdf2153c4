package dev.geoloc.trainer.collect;

import java.util.Locale;

import dev.geoloc.regions.CatalogReader;
import dev.geoloc.regions.RegionCatalog;

/**
 * A two-region catalog small enough to reason about: boxes of about 1 km, 4 samples, two headings, at most
 * 8 lookups each. {@code alpha} checks a 50 m radius; {@code beta} a 400 m one, wide enough for two grid
 * points to reach one panorama.
 */
final class TestRegions {

    static final String JSON = "{\"city\":\"Testville\",\"regions\":["
            + region("alpha", "al", 34.000, -118.300, 34.010, -118.290, 50)
            + "," + region("beta", "be", 34.020, -118.300, 34.030, -118.290, 400) + "]}";

    private TestRegions() {
    }

    static RegionCatalog catalog() {
        return CatalogReader.parse(JSON, "test catalog");
    }

    private static String region(String id, String prefix, double south, double west, double north, double east,
                                 int radius) {
        return String.format(Locale.ROOT, """
                {"id":"%1$s","name":"%1$s","description":"test region %1$s",
                 "bbox":{"corners":[
                   {"name":"southeast","latitude":%2$f,"longitude":%5$f},
                   {"name":"southwest","latitude":%2$f,"longitude":%3$f},
                   {"name":"northwest","latitude":%4$f,"longitude":%3$f},
                   {"name":"northeast","latitude":%4$f,"longitude":%5$f}]},
                 "sampling":{"num_samples":4,"method":"grid","headings":[0,180]},
                 "output":{"directory":"streetview_%1$s","prefix":"%6$s"},
                 "validation":{"enabled":true,"radius":%7$d,"max_attempts":8}}""",
                id, south, west, north, east, prefix, radius);
    }
}
