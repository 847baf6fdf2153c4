package dev.geoloc.cells;

import dev.geoloc.regions.LatLon;

/**
 * Where the cell head places a photo within the predicted region ({@link CellPartition#locate}).
 *
 * @param cell        the region's most probable cell, its index in its {@link CellPartition}
 * @param probability the cell's probability, as the region's probabilities are served (calibrated when the
 *                    bundle is)
 * @param point       the region's cells' points (each centre moved by its regressed offset), weighted by the cells'
 *                    probabilities
 */
public record CellPoint(int cell, double probability, LatLon point) {
}
