package dev.geoloc.dataset.synth;

import dev.geoloc.regions.LatLon;

/**
 * One photo to render: where the camera stands, which way it looks (degrees from north), and the seed
 * of everything about this photo that is chance rather than place (light, camera jitter, parked cars,
 * pixel noise). Which buildings, signs and trees stand where belongs to the place ({@link Place}).
 */
public record Shot(LatLon location, int heading, long seed) {
}
