package dev.geoloc.trainer.collect;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import dev.geoloc.regions.BoundingBox;
import dev.geoloc.regions.LatLon;

/**
 * Where the collector looks for panoramas in a region: first {@code n} points on a regular grid inside the
 * box, then, to replace the grid points that have no usable panorama, an endless deterministic sequence of
 * further points (Halton, bases 2 and 3) that fills the box evenly. Same box and {@code n}, same points, which
 * is what lets an interrupted run resume.
 */
public final class GridSampler {

    private GridSampler() {
    }

    /** A grid of {@code rows x cols} cells. */
    public record Shape(int rows, int cols) {
        public int cells() {
            return rows * cols;
        }
    }

    /**
     * The grid for {@code n} points: rows and columns in the proportion of the box's height and width in
     * kilometres (not degrees: a degree of longitude is shorter than a degree of latitude), so points are about
     * as far apart north-south as east-west. {@code rows * cols >= n}.
     */
    public static Shape shape(BoundingBox box, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("number of samples " + n + " must be at least 1");
        }
        double aspect = box.heightKm() / box.widthKm();
        int rows = (int) Math.max(1, Math.min(n, Math.round(Math.sqrt(n * aspect))));
        int cols = (n + rows - 1) / rows;
        return new Shape(rows, cols);
    }

    /**
     * {@code n} cell centres of the grid, north-west first, row by row. When the grid has more cells than
     * {@code n}, the points are taken at even steps through the cells, so the spare cells are spread out
     * rather than all missing from the last row.
     */
    public static List<LatLon> grid(BoundingBox box, int n) {
        Shape shape = shape(box, n);
        double rowHeight = (box.north() - box.south()) / shape.rows();
        double colWidth = (box.east() - box.west()) / shape.cols();
        List<LatLon> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int cell = (int) ((long) i * shape.cells() / n);
            int row = cell / shape.cols();
            int col = cell % shape.cols();
            points.add(new LatLon(box.north() - (row + 0.5) * rowHeight, box.west() + (col + 0.5) * colWidth));
        }
        return points;
    }

    /** The {@code index}-th replacement point (from 1): Halton in base 2 for longitude, base 3 for latitude. */
    public static LatLon replacement(BoundingBox box, long index) {
        return new LatLon(box.south() + radicalInverse(index, 3) * (box.north() - box.south()),
                box.west() + radicalInverse(index, 2) * (box.east() - box.west()));
    }

    /** The grid points, then replacement points without end: the caller stops at its attempt budget. */
    public static Stream<LatLon> candidates(BoundingBox box, int n) {
        return Stream.concat(grid(box, n).stream(), LongStream.iterate(1, i -> i + 1).mapToObj(i -> replacement(box, i)));
    }

    /** The digits of {@code index} in {@code base} mirrored behind the point: a value in (0, 1) for index >= 1. */
    static double radicalInverse(long index, int base) {
        double result = 0;
        double fraction = 1.0 / base;
        for (long i = index; i > 0; i /= base) {
            result += (i % base) * fraction;
            fraction /= base;
        }
        return result;
    }
}
