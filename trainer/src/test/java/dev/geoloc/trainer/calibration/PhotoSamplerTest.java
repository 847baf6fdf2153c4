package dev.geoloc.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.Split;
import dev.geoloc.model.BundleCalibration;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.PhotoSpread;
import dev.geoloc.regions.RegionCatalog;

class PhotoSamplerTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();

    @Test
    void eachLocationCountsOnceAndARegionKeepsAtMostItsShare() {
        List<ManifestEntry> photos = new ArrayList<>();
        photos.addAll(panoramas("downtown_la", 3));
        photos.addAll(panoramas("hollywood", 100));

        PhotoSpread spread = PhotoSampler.sample(photos, LA);

        assertThat(spread.of(LA.indexOf("downtown_la"))).as("3 panoramas of 4 headings").hasSize(3)
                .containsExactlyInAnyOrderElementsOf(locations(photos, "downtown_la"));
        List<LatLon> hollywood = spread.of(LA.indexOf("hollywood"));
        assertThat(hollywood).hasSize(BundleCalibration.MAX_POINTS_PER_REGION).doesNotHaveDuplicates();
        assertThat(locations(photos, "hollywood")).containsAll(hollywood);
        assertThat(spread.of(LA.indexOf("venice"))).as("a region without training photos").isEmpty();
    }

    @Test
    void theSameDataInAnyOrderGivesTheSameSample() {
        List<ManifestEntry> photos = new ArrayList<>(panoramas("hollywood", 100));
        PhotoSpread first = PhotoSampler.sample(photos, LA);
        Collections.shuffle(photos, new java.util.Random(1));

        assertThat(PhotoSampler.sample(photos, LA)).isEqualTo(first);
    }

    /** {@code count} panoramas of 4 headings each, spread over the region's box. */
    private static List<ManifestEntry> panoramas(String region, int count) {
        var box = LA.region(LA.indexOf(region)).bbox();
        List<ManifestEntry> photos = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            LatLon at = new LatLon(box.south() + (box.north() - box.south()) * (n + 0.5) / count,
                    box.west() + (box.east() - box.west()) * ((n * 7 % count) + 0.5) / count);
            for (int heading : new int[] {0, 90, 180, 270}) {
                photos.add(new ManifestEntry(region + "/" + n + "_" + heading + ".jpg", at, region, heading,
                        region + "_" + n, Optional.of(Split.TRAIN)));
            }
        }
        return photos;
    }

    private static List<LatLon> locations(List<ManifestEntry> photos, String region) {
        return List.copyOf(new HashSet<>(photos.stream().filter(p -> p.regionId().equals(region))
                .map(ManifestEntry::location).toList()));
    }
}
