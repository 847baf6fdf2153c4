package dev.geoloc.dataset.synth;

import java.util.Locale;

import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.Region;

/**
 * One spot in a region where the camera stands; all its headings share the location id, and so a split.
 *
 * @param number 1-based, per region
 * @param point  the true coordinates, rounded to the manifest's 7 decimals so the file states them exactly
 */
public record SynthLocation(Region region, int number, LatLon point) {

    /** {@code <region id>_<number, 6 digits>}: unique across the catalog because region ids are. */
    public String id() {
        return String.format(Locale.ROOT, "%s_%06d", region.id(), number);
    }

    /** {@code <region directory>/<prefix>_<number>_h<heading>.jpg}, relative to the dataset directory. */
    public String imagePath(int heading) {
        return String.format(Locale.ROOT, "%s/%s_%06d_h%03d.jpg", region.output().directory(), region.output().prefix(),
                number, heading);
    }
}
