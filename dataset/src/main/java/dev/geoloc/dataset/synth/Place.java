package dev.geoloc.dataset.synth;

import java.util.SplittableRandom;

import dev.geoloc.dataset.GridCell;
import dev.geoloc.regions.LatLon;

/**
 * What stays put at a place: the buildings, façades, shop signs, trees, poles and skyline a camera sees there,
 * seeded by the city seed and the {@value #CELL_KM} km {@link GridCell} the camera stands in, not by the photo.
 * Two panoramas in one cell looking the same way see the same street, as two Street View panoramas 50 m apart
 * do; the next cell is another street. This is what makes a split by location leak (a test photo's street is
 * in training beside it) and what the blocked split ({@code Splitter.blocked}) is measured against.
 *
 * <p>Each quarter of the compass has its own stretch of street ({@link #ahead}), so the four headings of a
 * spot show four views, while the whole cell shares a colour cast of its façades ({@link #paletteShift}).
 * Light, camera pose, parked cars and grain stay per photo.
 *
 * @param seed         the place's own seed
 * @param centre       the centre of the cell, where the place's street character is read, so that every camera
 *                     in the cell paints the same street
 * @param paletteShift how far this place's façades sit from the district's palette, shared by every heading
 */
record Place(long seed, LatLon centre, double paletteShift) {

    /** About a city block's frontage: small enough that neighbouring cells differ, large enough to be shared. */
    static final double CELL_KM = 0.12;
    private static final long PLACES = 0x504C414345L; // "PLACE": keeps place seeds apart from the fields' seeds

    static Place at(long citySeed, LatLon point) {
        GridCell cell = GridCell.of(point, CELL_KM);
        long seed = Seeds.derive(citySeed, PLACES, cell.row(), cell.column());
        return new Place(seed, cell.centre(CELL_KM), new SplittableRandom(seed).nextGaussian() * 0.05);
    }

    /** The dice of the street seen toward a heading: one stretch per quarter of the compass, centred on N, E, S, W. */
    SplittableRandom ahead(int heading) {
        return new SplittableRandom(Seeds.derive(seed, Math.floorMod(heading + 45, 360) / 90));
    }
}
