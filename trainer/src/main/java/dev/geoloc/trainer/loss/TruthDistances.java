package dev.geoloc.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.geoloc.regions.RegionCatalog;

/** Kilometres from each sample's truth to every region center, [B, C]: what the distance-aware losses weigh by. */
interface TruthDistances {

    NDArray kilometres(Batch batch);

    static TruthDistances from(DistanceFrom from, RegionCatalog catalog) {
        return switch (from) {
            case REGION -> new RegionCenterDistances(catalog);
            case PHOTO -> new PhotoDistances(catalog);
        };
    }
}
