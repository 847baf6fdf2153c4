package dev.geoloc.processor.versions;

import java.util.Objects;

import dev.geoloc.model.RegionPredictor;

/**
 * A loaded, warmed-up model and the name and version its predictions carry.
 *
 * @param name      the model line, e.g. la-street
 * @param version   the version within that line
 * @param predictor the model itself; whoever replaces a served model closes its predictor
 */
public record ServedModel(String name, int version, RegionPredictor predictor) {

    public ServedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(predictor, "predictor");
    }

    /** For logs and health details: {@code la-street v3 (sha256 ab12cd34...)}. */
    public String describe() {
        return name + " v" + version + " (sha256 " + predictor.bundleDigest().substring(0, 12) + "...)";
    }
}
