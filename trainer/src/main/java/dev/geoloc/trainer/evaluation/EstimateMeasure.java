package dev.geoloc.trainer.evaluation;

/**
 * What the model's expected error and confidence radius are checked against. The expected error,
 * {@code Σ p_j · d(estimate, center_j)}, is the distance the model expects from its estimate to the true
 * region's center, so {@link #TRUE_CENTER} is the measure it claims to know; {@link #PHOTO} adds how far a
 * photo lies from its region's center, which is what a user of the estimate pays. Named as
 * {@link ErrorMeasure}'s, whose {@link ErrorMeasure#PHOTO} is the same distance as {@link #PHOTO}.
 */
public enum EstimateMeasure {

    /** Kilometres from the location estimate to the true region's center (the study's centre-to-centre idea). */
    TRUE_CENTER("true_center", "estimate to true center"),

    /** Kilometres from the location estimate to the photo's true coordinates: {@link ErrorMeasure#PHOTO}. */
    PHOTO("photo", "estimate to photo");

    private final String key;
    private final String label;

    EstimateMeasure(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The name in JSON reports. */
    public String key() {
        return key;
    }

    /** A short description for tables. */
    public String label() {
        return label;
    }

    /** The actual error of an image's estimate by this measure. */
    public double actualKm(ImageOutcome outcome) {
        return this == TRUE_CENTER ? outcome.estimateToTrueCenterKm() : outcome.photoKm();
    }
}
