package dev.geoloc.model;

/** One region's probability in a prediction. {@code index} is its label index in the catalog. */
public record RegionScore(int index, String regionId, String regionName, float probability) {
}
