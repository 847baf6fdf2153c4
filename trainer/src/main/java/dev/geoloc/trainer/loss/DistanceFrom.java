package dev.geoloc.trainer.loss;

/** Where a distance-aware loss measures each sample's distances to the region centers from. */
public enum DistanceFrom {

    /**
     * The center of the photo's true region, as in the study: every photo of a region gets the same target, so the
     * targets are a fixed row of the catalog's distance matrix. Needs only the region labels.
     */
    REGION("region"),

    /**
     * The photo's own coordinates ({@code labels.get(1)}), as PIGEON's haversine label smoothing does: a photo on
     * the edge of its region leans toward the neighbour it is close to. Not in the study.
     */
    PHOTO("photo");

    private final String cliName;

    DistanceFrom(String cliName) {
        this.cliName = cliName;
    }

    /** The value of the {@code distance=} option that selects this. */
    public String cliName() {
        return cliName;
    }
}
