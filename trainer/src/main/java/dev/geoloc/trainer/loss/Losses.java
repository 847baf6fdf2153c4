package dev.geoloc.trainer.loss;

import java.util.Optional;

import ai.djl.training.loss.Loss;
import dev.geoloc.cells.CellPartition;
import dev.geoloc.regions.RegionCatalog;

/** Builds the loss a {@link LossSpec} names, over a catalog's regions in label order. */
public final class Losses {

    private Losses() {
    }

    /**
     * The loss, named {@link LossSpec#name()} in DJL's logs and metrics.
     *
     * @param cells the cells a {@link LossSpec#trainsCells() cell loss} trains over; ignored by the others
     * @throws IllegalArgumentException when a cell loss is given no cells
     */
    public static Loss create(LossSpec spec, RegionCatalog catalog) {
        return create(spec, catalog, Optional.empty());
    }

    /** As {@link #create(LossSpec, RegionCatalog)}, for any loss, cells included. */
    public static Loss create(LossSpec spec, RegionCatalog catalog, Optional<CellPartition> cells) {
        return switch (spec.kind()) {
            case CELLS -> new CellLoss(cells.orElseThrow(() -> new IllegalArgumentException(
                    "the cells loss needs the cells it trains over")), spec.tauKm(), spec.offsetWeight());
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
