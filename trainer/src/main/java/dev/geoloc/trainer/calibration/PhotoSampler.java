package dev.geoloc.trainer.calibration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.model.BundleCalibration;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.PhotoSpread;
import dev.geoloc.regions.RegionCatalog;

/**
 * Draws where each region's photos lie from a dataset's training photos: per region, at most
 * {@link BundleCalibration#MAX_POINTS_PER_REGION} of its locations, each once (the headings of one panorama share its
 * coordinates and would only repeat them), chosen at random with a fixed seed so that the same data gives the same
 * bundle.
 */
public final class PhotoSampler {

    /** Fixed, so that calibrating twice on the same data writes the same file. */
    static final long SEED = 15;

    private PhotoSampler() {
    }

    /**
     * @param photos the photos to sample, each of a region of {@code catalog} (a dataset's training split)
     * @throws IllegalArgumentException for a photo of a region the catalog does not have
     */
    public static PhotoSpread sample(List<ManifestEntry> photos, RegionCatalog catalog) {
        List<Map<String, LatLon>> locations = new ArrayList<>();
        for (int j = 0; j < catalog.size(); j++) {
            locations.add(new TreeMap<>());
        }
        for (ManifestEntry photo : photos) {
            locations.get(catalog.indexOf(photo.regionId())).putIfAbsent(photo.locationId(), photo.location());
        }
        List<List<LatLon>> points = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(SEED);
        for (Map<String, LatLon> region : locations) {
            // by location id first, so the draw does not depend on the manifest's row order
            List<LatLon> all = new ArrayList<>(region.values());
            int kept = Math.min(all.size(), BundleCalibration.MAX_POINTS_PER_REGION);
            for (int k = 0; k < kept; k++) { // the first steps of a Fisher-Yates shuffle: a uniform draw without replacement
                Collections.swap(all, k, k + random.nextInt(all.size() - k));
            }
            points.add(List.copyOf(all.subList(0, kept)));
        }
        return new PhotoSpread(points);
    }
}
