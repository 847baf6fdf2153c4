package dev.geoloc.dataset;

import java.util.Optional;

import dev.geoloc.regions.LatLon;

/**
 * One image of a dataset.
 *
 * @param image      path of the image file, relative to the manifest's directory
 * @param location   the true coordinates of the camera (the panorama's, not the sampled grid point's)
 * @param regionId   the region label
 * @param heading    camera heading in degrees from north, [0, 360)
 * @param locationId the location group: images taken at one spot (one panorama) share it, and splits
 *                   keep a group together
 * @param split      the split, when assigned
 */
public record ManifestEntry(String image, LatLon location, String regionId, int heading, String locationId,
                            Optional<Split> split) {

    public ManifestEntry {
        if (heading < 0 || heading >= 360) {
            throw new IllegalArgumentException("heading " + heading + " is outside [0, 360)");
        }
    }

    public ManifestEntry withSplit(Split value) {
        return new ManifestEntry(image, location, regionId, heading, locationId, Optional.of(value));
    }
}
