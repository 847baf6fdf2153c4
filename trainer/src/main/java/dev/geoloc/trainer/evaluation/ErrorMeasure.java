package dev.geoloc.trainer.evaluation;

/**
 * Where an error distance is measured from and to. The study measures between region centers only, which
 * says how far off the region is; the photo's own coordinates (the panorama's, from the manifest) also
 * count how far a photo lies from its region's center, which is what a user of the location pays.
 */
public enum ErrorMeasure {

    /**
     * The study's way: kilometres between the predicted region's center and the true region's center, so 0
     * whenever the region is right. The results table uses this one.
     */
    REGION_CENTERS("region_centers", "region centers (study)"),

    /**
     * Kilometres from the point the predictor answers with ({@code Prediction.point()}: its retrieval refinement
     * when the bundle has a gallery and a match was alike enough, else the most probable region's center, or the
     * probability-weighted point when that has the lower expected error) to the photo's true coordinates.
     */
    PHOTO("photo", "estimate to photo"),

    /**
     * Kilometres from the predicted region's center to the photo's true coordinates: the cost of answering
     * with a region alone, above 0 even when the region is right.
     */
    CENTER_TO_PHOTO("center_to_photo", "predicted center to photo");

    private final String key;
    private final String label;

    ErrorMeasure(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The name in JSON reports. */
    public String key() {
        return key;
    }

    /** A short description for tables and plot legends. */
    public String label() {
        return label;
    }
}
