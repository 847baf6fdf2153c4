package dev.geoloc.trainer.evaluation;

/**
 * How one region fared: of its {@code support} images, {@code correct} were predicted as it.
 *
 * @param index the region's label index in the catalog
 */
public record RegionAccuracy(int index, String regionId, String regionName, int support, int correct) {

    /** The fraction correct, or NaN when the evaluation held no image of this region. */
    public double accuracy() {
        return support == 0 ? Double.NaN : (double) correct / support;
    }
}
