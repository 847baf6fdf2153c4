package dev.geoloc.trainer.loss;

import ai.djl.training.loss.Loss;
import dev.geoloc.regions.RegionCatalog;

/** Builds the loss a {@link LossSpec} names, over a catalog's regions in label order. */
public final class Losses {

    private Losses() {
    }

    /** The loss, named {@link LossSpec#name()} in DJL's logs and metrics. */
    public static Loss create(LossSpec spec, RegionCatalog catalog) {
        return switch (spec.kind()) {
            case CE -> new CrossEntropyLoss(catalog);
            case SOFT -> new SoftLabelLoss(catalog, spec.sigmaKm(), spec.distanceFrom());
            case GEO_SMOOTH -> new GeoLabelSmoothingLoss(catalog, spec.epsilon(), spec.temperatureKm(),
                    spec.distanceFrom());
            case EXPECTED -> new ExpectedDistanceLoss(catalog, spec.lambdaPerKm(), spec.distanceFrom());
            case RANKING -> new GeoMarginRankingLoss(catalog, spec.marginPerKm(), spec.reduction(), false);
            case CE_RANKING -> new GeoMarginRankingLoss(catalog, spec.marginPerKm(), spec.reduction(), true);
        };
    }
}
