package dev.geoloc.regions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The bulk distances an error bar is measured with, against haversine, at a city's scale. */
class NearbyPointsTest {

    @Test
    void withinACityTheyAgreeWithHaversineToAHundredthOfAPerCent() {
        // Given photos anywhere within 40 km of downtown Los Angeles
        Random random = new Random(7);
        LatLon downtown = new LatLon(34.05, -118.25);
        List<LatLon> photos = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            photos.add(Geodesy.destination(downtown, random.nextDouble() * 360, random.nextDouble() * 40));
        }
        NearbyPoints points = new NearbyPoints(photos);
        double[] distances = new double[2 + points.size()];

        for (int trial = 0; trial < 20; trial++) {
            // When the distances from a point within the same 40 km are taken in bulk, after two slots left alone
            LatLon from = Geodesy.destination(downtown, random.nextDouble() * 360, random.nextDouble() * 40);
            points.distancesKm(from, distances, 2);

            // Then each is haversine's within 0.01 %, and within a metre below 10 km
            for (int i = 0; i < photos.size(); i++) {
                double exact = Geodesy.haversineKm(from, photos.get(i));
                assertThat(Math.abs(distances[2 + i] - exact)).as("photo %d", i)
                        .isLessThanOrEqualTo(Math.max(1e-4 * exact, 1e-9));
                if (exact < 10) {
                    assertThat(Math.abs(distances[2 + i] - exact)).isLessThan(0.001);
                }
            }
        }
        assertThat(distances[0]).isZero();
        assertThat(distances[1]).isZero();
    }
}
