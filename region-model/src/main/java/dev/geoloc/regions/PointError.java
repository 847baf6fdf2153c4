package dev.geoloc.regions;

/**
 * How far from one point a photo is expected to be, under a model's idea of where the photo may be.
 *
 * @param expectedErrorKm    the mean distance from the point to where the photo may be, weighted by the model's
 *                           probabilities
 * @param confidenceRadiusKm the smallest radius around the point that holds {@code confidenceLevel} of that
 *                           probability
 * @param confidenceLevel    the probability mass the radius was computed for, e.g. 0.9
 */
public record PointError(double expectedErrorKm, double confidenceRadiusKm, double confidenceLevel) {
}
