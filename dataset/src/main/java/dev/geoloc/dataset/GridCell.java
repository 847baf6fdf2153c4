package dev.geoloc.dataset;

import java.util.Comparator;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

/**
 * A square of a fixed grid over the Earth: rows of {@code sizeKm} of latitude, each cut into squares of
 * {@code sizeKm} at its own mid-latitude. Fixed rather than laid around a dataset, so a point's cell never
 * depends on which other points there are: a growing dataset keeps its blocks, and a SynthCity place stays
 * where it is whatever the seed. Squares to within 0.1 % at city scale; columns of neighbouring rows do
 * not line up, like bricks.
 */
public record GridCell(long row, long column) implements Comparable<GridCell> {

    private static final double KM_PER_DEGREE = Geodesy.EARTH_RADIUS_KM * Math.PI / 180;
    private static final Comparator<GridCell> ORDER =
            Comparator.comparingLong(GridCell::row).thenComparingLong(GridCell::column);

    /** The cell of side {@code sizeKm} that holds the point. */
    public static GridCell of(LatLon point, double sizeKm) {
        long row = (long) Math.floor(point.latitude() * KM_PER_DEGREE / sizeKm);
        double midLatitude = Math.toRadians((row + 0.5) * sizeKm / KM_PER_DEGREE);
        long column = (long) Math.floor(point.longitude() * KM_PER_DEGREE * Math.cos(midLatitude) / sizeKm);
        return new GridCell(row, column);
    }

    /** The middle of this cell, for cells of side {@code sizeKm}. */
    public LatLon centre(double sizeKm) {
        double latitude = (row + 0.5) * sizeKm / KM_PER_DEGREE;
        return new LatLon(latitude, (column + 0.5) * sizeKm / (KM_PER_DEGREE * Math.cos(Math.toRadians(latitude))));
    }

    @Override
    public int compareTo(GridCell other) {
        return ORDER.compare(this, other);
    }
}
