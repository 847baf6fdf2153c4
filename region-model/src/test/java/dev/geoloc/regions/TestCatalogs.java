package dev.geoloc.regions;

/** Small catalogs for tests. */
public final class TestCatalogs {

    private TestCatalogs() {
    }

    /** One region in the catalog's JSON format, with small sampling settings. */
    public static String regionJson(String id, double south, double north, double west, double east) {
        return """
                {"id": "%1$s", "name": "%1$s", "description": "test region",
                 "bbox": {"corners": [
                   {"name": "southeast", "latitude": %2$s, "longitude": %5$s},
                   {"name": "southwest", "latitude": %2$s, "longitude": %4$s},
                   {"name": "northwest", "latitude": %3$s, "longitude": %4$s},
                   {"name": "northeast", "latitude": %3$s, "longitude": %5$s}]},
                 "sampling": {"num_samples": 4, "method": "grid", "headings": [0, 180]},
                 "output": {"directory": "out_%1$s", "prefix": "%1$s"},
                 "validation": {"enabled": true, "radius": 50, "max_attempts": 8}}""".formatted(
                id, south, north, west, east);
    }
}
