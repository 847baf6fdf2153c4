package dev.geoloc.regions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GeodesyTest {

    @Test
    void oneDegreeOfLongitudeOnTheEquatorIsTheCircumferenceOver360() {
        double expected = 2 * Math.PI * Geodesy.EARTH_RADIUS_KM / 360;

        assertThat(Geodesy.haversineKm(new LatLon(0, 0), new LatLon(0, 1))).isCloseTo(expected, within(1e-9));
        assertThat(expected).isCloseTo(111.195, within(0.001));
    }

    @Test
    void agreesWithTheSphericalLawOfCosinesAcrossLosAngeles() {
        LatLon santaMonicaPier = new LatLon(34.0094, -118.4973);
        LatLon pasadenaCityHall = new LatLon(34.1478, -118.1445);

        double phi1 = Math.toRadians(santaMonicaPier.latitude());
        double phi2 = Math.toRadians(pasadenaCityHall.latitude());
        double dLambda = Math.toRadians(pasadenaCityHall.longitude() - santaMonicaPier.longitude());
        double lawOfCosines = Geodesy.EARTH_RADIUS_KM
                * Math.acos(Math.sin(phi1) * Math.sin(phi2) + Math.cos(phi1) * Math.cos(phi2) * Math.cos(dLambda));

        assertThat(santaMonicaPier.distanceKm(pasadenaCityHall)).isCloseTo(lawOfCosines, within(1e-6))
                .isCloseTo(35.7, within(0.3));
    }

    @Test
    void distanceIsSymmetricAndZeroOnTheSamePoint() {
        LatLon a = new LatLon(34.05, -118.25);
        LatLon b = new LatLon(33.74, -118.29);

        assertThat(a.distanceKm(a)).isZero();
        assertThat(a.distanceKm(b)).isEqualTo(b.distanceKm(a));
    }

    @Test
    void destinationTravelsTheDistanceAlongTheBearing() {
        LatLon start = new LatLon(34.05, -118.25);

        LatLon north = Geodesy.destination(start, 0, 10);
        LatLon east = Geodesy.destination(start, 90, 2.5);

        assertThat(start.distanceKm(north)).isCloseTo(10, within(1e-9));
        assertThat(north.longitude()).isCloseTo(start.longitude(), within(1e-12));
        assertThat(north.latitude()).isGreaterThan(start.latitude());
        assertThat(start.distanceKm(east)).isCloseTo(2.5, within(1e-9));
        assertThat(east.longitude()).isGreaterThan(start.longitude());
    }

    @Test
    void coordinatesOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new LatLon(91, 0)).hasMessageContaining("latitude 91.0 is outside [-90, 90]");
        assertThatThrownBy(() -> new LatLon(0, -181)).hasMessageContaining("longitude -181.0");
        assertThatThrownBy(() -> new LatLon(Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void boxContainsItsEdgesAndMeasuresDistanceToItsNearestPoint() {
        BoundingBox box = new BoundingBox(34.035, -118.265, 34.055, -118.24);

        assertThat(box.contains(new LatLon(34.035, -118.265))).isTrue();
        assertThat(box.contains(new LatLon(34.0349, -118.25))).isFalse();
        assertThat(box.distanceKm(box.center())).isZero();
        LatLon southOfBox = new LatLon(34.025, -118.25);
        assertThat(box.distanceKm(southOfBox)).isCloseTo(southOfBox.distanceKm(new LatLon(34.035, -118.25)), within(1e-12));
        // Meridians converge northwards, so the southern corners are the farthest from the center.
        assertThat(box.farthestCornerKm(box.center())).isCloseTo(box.center().distanceKm(box.southeast()), within(1e-12))
                .isGreaterThan(box.center().distanceKm(box.northeast()));
    }

    @Test
    void boxesThatOnlyTouchDoNotOverlap() {
        BoundingBox west = new BoundingBox(34.0, -118.3, 34.1, -118.2);
        BoundingBox touching = new BoundingBox(34.0, -118.2, 34.1, -118.1);
        BoundingBox crossing = new BoundingBox(34.05, -118.25, 34.15, -118.15);

        assertThat(west.overlaps(touching)).isFalse();
        assertThat(west.overlaps(crossing)).isTrue();
        assertThat(crossing.overlaps(west)).isTrue();
    }
}
