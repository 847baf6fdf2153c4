package dev.geoloc.trainer.compare;

import dev.geoloc.schemas.RegionPrediction;

/**
 * What a comparison needs of a prediction: the few fields of a {@code RegionPrediction} kept for every image of a
 * topic, instead of the whole record.
 *
 * @param trueRegionId null without ground truth, or when it lies outside every region
 * @param errorKm      the distance to the ground truth; null without ground truth
 */
public record Answer(int version, String regionId, String trueRegionId, Double errorKm) {

    public static Answer of(RegionPrediction prediction) {
        return new Answer(prediction.getModelVersion(), prediction.getPredictedRegion().getRegionId(),
                prediction.getTrueRegionId(), prediction.getActualErrorKm());
    }

    /** Whether the event carried ground truth. */
    public boolean labelled() {
        return errorKm != null;
    }

    /** The predicted region is the true one, as the processors' live accuracy counts it. */
    public boolean correct() {
        return regionId.equals(trueRegionId);
    }
}
