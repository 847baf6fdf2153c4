package dev.geoloc.processor.versions;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.apache.kafka.common.utils.Utils;

import dev.geoloc.contracts.versions.Canary;

/**
 * The models serving at one moment: the stable version, and beside it a canary that answers a share of the images
 * and a shadow that answers every image again, to the shadow topic only. Swapped whole ({@link ModelHolder}), so
 * that a batch sees one consistent set.
 */
public record ServingSet(ServedModel stable, Optional<ServedCanary> canary, Optional<ServedModel> shadow) {

    /** A canary, loaded, with its share of the traffic. */
    public record ServedCanary(ServedModel model, Canary share) {
    }

    public ServingSet {
        Objects.requireNonNull(stable, "stable");
        Objects.requireNonNull(canary, "canary");
        Objects.requireNonNull(shadow, "shadow");
    }

    /** The stable version alone. */
    public static ServingSet of(ServedModel stable) {
        return new ServingSet(stable, Optional.empty(), Optional.empty());
    }

    /** Where the image with this record key goes: a keyless image always to the stable version. */
    public Route routeOf(byte[] key) {
        return key != null && canary.isPresent() && canary.get().share().takes(Utils.murmur2(key)) ? Route.CANARY
                : Route.STABLE;
    }

    /** The model that answers images of {@code route}: the stable one when there is no canary (any more). */
    public ServedModel answering(Route route) {
        return route == Route.CANARY ? canary.map(ServedCanary::model).orElse(stable) : stable;
    }

    /** Every model in the set, each once. */
    public List<ServedModel> models() {
        List<ServedModel> models = new ArrayList<>();
        models.add(stable);
        canary.map(ServedCanary::model).ifPresent(models::add);
        shadow.ifPresent(models::add);
        return models;
    }
}
