package dev.geoloc.dataset.synth;

import dev.geoloc.regions.LatLon;

/**
 * One photo to render: where the camera stands, which way it looks (degrees from north), and the seed
 * of everything about this photo that is chance rather than place (light, camera jitter, which
 * buildings and trees stand where, pixel noise).
 */
public record Shot(LatLon location, int heading, long seed) {
}
