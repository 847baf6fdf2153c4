package dev.geoloc.cells;

import java.util.Objects;

import dev.geoloc.regions.LatLon;

/**
 * A part of one region, where some of its training photos lie: the cell head classifies photos into cells, and
 * regresses where in the cell the photo was taken.
 *
 * @param region  the region's label index
 * @param centre  the mean position of the cell's training photos
 * @param boundKm how far east or west, north or south of the centre the offset may reach, &gt; 0: the farthest of
 *                the cell's training photos, so that every one of them can be reached
 */
public record Cell(int region, LatLon centre, double boundKm) {

    public Cell {
        Objects.requireNonNull(centre, "centre");
        if (region < 0) {
            throw new IllegalArgumentException("region index " + region + " is negative");
        }
        if (!(boundKm > 0 && boundKm <= CellPartition.MAX_BOUND_KM)) {
            throw new IllegalArgumentException("offset bound " + boundKm + " km is outside (0, "
                    + CellPartition.MAX_BOUND_KM + "]");
        }
    }
}
