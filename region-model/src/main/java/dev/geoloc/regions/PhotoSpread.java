package dev.geoloc.regions;

import java.util.List;

/**
 * Where each region's photos lie: a sample of photo coordinates per region, in a catalog's label order. A photo
 * is anywhere in its region, not at its center, so an error estimate measured to the photo needs this spread; a
 * calibrated bundle carries it, drawn from its training photos. Immutable.
 *
 * @param points per region in label order, its sample (possibly empty: a region no training photo came from)
 */
public record PhotoSpread(List<List<LatLon>> points) {

    public PhotoSpread {
        points = points.stream().map(List::copyOf).toList();
    }

    public int regions() {
        return points.size();
    }

    /** The sample of region {@code index}, in label order; empty when none was drawn. */
    public List<LatLon> of(int index) {
        return points.get(index);
    }
}
