package dev.geoloc.dataset.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.geoloc.dataset.GridCell;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

class PlaceTest {

    private static final LatLon SPOT = new LatLon(34.0522, -118.2437);

    @Test
    void twoPanoramasInOneCellShareThePlaceAndItsStreetAhead() {
        Place here = Place.at(1, SPOT);
        LatLon nearby = Geodesy.destination(here.centre(), 200, 0.03);
        Place there = Place.at(1, nearby);

        assertThat(GridCell.of(nearby, Place.CELL_KM)).isEqualTo(GridCell.of(SPOT, Place.CELL_KM));
        assertThat(there).isEqualTo(here);
        assertThat(draws(there.ahead(90))).containsExactly(draws(here.ahead(90)));
        assertThat(draws(here.ahead(100))).as("headings of one quarter share a stretch").containsExactly(draws(here.ahead(90)));
        assertThat(draws(here.ahead(180))).as("another quarter, another stretch").doesNotContain(draws(here.ahead(90)));
    }

    @Test
    void distantPanoramasAndOtherCitiesHaveOtherPlaces() {
        Place here = Place.at(1, SPOT);

        for (double km : new double[] {0.15, 0.5, 5}) {
            Place away = Place.at(1, Geodesy.destination(SPOT, 45, km));
            assertThat(away.seed()).as(km + " km away").isNotEqualTo(here.seed());
            assertThat(away.paletteShift()).isNotEqualTo(here.paletteShift());
            assertThat(draws(away.ahead(0))).doesNotContain(draws(here.ahead(0)));
        }
        assertThat(Place.at(2, SPOT).seed()).as("another city seed").isNotEqualTo(here.seed());
    }

    @Test
    void aPlaceIsCentredInItsCell() {
        Place place = Place.at(1, SPOT);

        assertThat(GridCell.of(place.centre(), Place.CELL_KM)).isEqualTo(GridCell.of(SPOT, Place.CELL_KM));
        assertThat(Geodesy.haversineKm(place.centre(), SPOT)).isLessThan(Place.CELL_KM * Math.sqrt(0.5));
    }

    private static long[] draws(SplittableRandom random) {
        return LongStream.generate(random::nextLong).limit(8).toArray();
    }
}
