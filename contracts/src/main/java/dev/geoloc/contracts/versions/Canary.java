package dev.geoloc.contracts.versions;

import dev.geoloc.schemas.ModelVersion;

/**
 * A version that answers a share of the images, chosen by a hash of their key, beside the stable version.
 *
 * @param percent 1 to 99
 */
public record Canary(ModelVersion version, int percent) {

    private static final int BUCKETS = 10_000;

    /**
     * Whether the image of this key hash goes to the canary: the same key always goes the same way, so an image
     * sent again meets the model that answered it before.
     */
    public boolean takes(int keyHash) {
        return Math.floorMod(keyHash, BUCKETS) < percent * (BUCKETS / 100);
    }
}
