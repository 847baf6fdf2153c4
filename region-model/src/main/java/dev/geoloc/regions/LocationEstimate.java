package dev.geoloc.regions;

/**
 * Where a photo probably is, given the model's probabilities over the regions.
 *
 * @param location           the point estimate
 * @param fromRegionCenter   true when {@code location} is the most probable region's center, false when a
 *                           probability-weighted point had the lower expected error
 * @param expectedErrorKm    sum over regions of probability x distance from {@code location} to the region's
 *                           center (the study's way), or, with a {@link PhotoSpread}, x the mean distance to the
 *                           region's sampled photos: the error the model expects
 * @param confidenceRadiusKm the smallest radius around {@code location} whose disc holds whole regions carrying at
 *                           least {@code confidenceLevel} of the probability, or, with a {@link PhotoSpread}, that
 *                           much of the probability-weighted photo samples
 * @param confidenceLevel    the probability mass the radius was computed for, e.g. 0.9
 */
public record LocationEstimate(LatLon location, boolean fromRegionCenter, double expectedErrorKm,
                               double confidenceRadiusKm, double confidenceLevel) {

    /** The expected error and radius around {@link #location()}. */
    public PointError error() {
        return new PointError(expectedErrorKm, confidenceRadiusKm, confidenceLevel);
    }
}
