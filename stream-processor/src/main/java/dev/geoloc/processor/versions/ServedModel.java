package dev.geoloc.processor.versions;

import java.util.Objects;
import java.util.Optional;

import dev.geoloc.model.RegionPredictor;

/**
 * A loaded, warmed-up model and the name and version its predictions carry.
 *
 * @param name           the model line, e.g. la-street
 * @param version        the version within that line
 * @param predictor      the model itself; whoever replaces a served model closes its predictor
 * @param artifactSha256 the SHA-256 of the artifact as published on model-versions (what {@code trainer versions}
 *                       prints and the signature covers); empty for a bundle served from a path
 */
public record ServedModel(String name, int version, RegionPredictor predictor, Optional<String> artifactSha256) {

    public ServedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(predictor, "predictor");
        Objects.requireNonNull(artifactSha256, "artifactSha256");
    }

    /** A bundle served from a path, with no published artifact. */
    public ServedModel(String name, int version, RegionPredictor predictor) {
        this(name, version, predictor, Optional.empty());
    }

    /** This model as the published artifact with that digest serves it. */
    public ServedModel publishedAs(String artifactSha256) {
        return new ServedModel(name, version, predictor, Optional.of(artifactSha256));
    }

    /**
     * For logs and health details: {@code la-street v3 (sha256 ab12cd34...)} by the published artifact's digest, or
     * {@code (bundle ab12cd34...)} by the bundle's for one served from a path.
     */
    public String describe() {
        return name + " v" + version + artifactSha256.map(sha -> " (sha256 " + sha.substring(0, 12) + "...)")
                .orElse(" (bundle " + predictor.bundleDigest().substring(0, 12) + "...)");
    }
}
