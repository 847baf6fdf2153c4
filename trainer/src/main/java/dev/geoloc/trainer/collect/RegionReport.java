package dev.geoloc.trainer.collect;

/**
 * What the journal holds for one region after a run, earlier runs included, plus this run's downloads.
 *
 * @param target     panoramas wanted
 * @param attempts   metadata lookups made (the region's {@code max_attempts} caps them)
 * @param images     image files on disk for accepted panoramas
 * @param downloaded images fetched by this run (the rest were already on disk)
 */
public record RegionReport(String region, int target, int maxAttempts, int accepted, int attempts, int zeroResults,
                           int outOfRadius, int outsideRegion, int duplicates, int images, int downloaded) {

    /** True when the attempts ran out before enough panoramas were found. */
    public boolean shortOfTarget() {
        return accepted < target;
    }
}
