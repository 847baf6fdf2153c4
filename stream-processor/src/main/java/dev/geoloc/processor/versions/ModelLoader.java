package dev.geoloc.processor.versions;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import dev.geoloc.model.BundleException;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.NumericsMismatchException;
import dev.geoloc.model.Prediction;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.processor.artifacts.ArtifactException;
import dev.geoloc.processor.artifacts.ArtifactFetcher;
import dev.geoloc.processor.artifacts.LocalArtifact;
import dev.geoloc.schemas.ModelVersion;

/**
 * Turns a published version (or a fixed bundle) into a {@link ServedModel} that is safe to switch to (its
 * signature was checked before, as the record was folded: {@link dev.geoloc.contracts.versions.RolloutState}): the
 * artifact is the one published (the private copy that was hashed is the one opened), it opens as a bundle, its
 * catalog is the one this deployment serves, libtorch loads it and computes its reference outputs within their
 * tolerance (this process's numerics self-check having passed), it is warmed up, and a canary batch gives finite
 * probabilities that sum to 1. Runs on the caller's thread, which is never a stream thread.
 */
public final class ModelLoader {

    private static final int CANARY_BATCH = 4;

    private final ArtifactFetcher artifacts;
    private final PredictorOptions options;
    private final int warmUpBatch;

    ModelLoader(ArtifactFetcher artifacts, PredictorOptions options, int warmUpBatch) {
        this.artifacts = artifacts;
        this.options = options;
        this.warmUpBatch = warmUpBatch;
    }

    /**
     * @param expectedCatalogHash the catalog this deployment serves; empty to accept the version's own
     */
    ServedModel load(ModelVersion version, Optional<String> expectedCatalogHash) throws VersionRejectedException {
        try (LocalArtifact artifact = artifacts.fetch(version.getArtifactUri(), version.getSha256())) {
            return open(artifact.path(), version.getModelName(), version.getVersion(), expectedCatalogHash)
                    .publishedAs(version.getSha256());
        } catch (ArtifactException e) {
            throw new VersionRejectedException(RejectionKind.of(e.kind()), e.getMessage(), e);
        }
    }

    /** A bundle directory or zip, served under the given name and version. */
    ServedModel open(java.nio.file.Path path, String name, int version, Optional<String> expectedCatalogHash)
            throws VersionRejectedException {
        try (ModelBundle bundle = ModelBundle.open(path)) {
            String catalog = bundle.manifest().catalogHash();
            if (expectedCatalogHash.isPresent() && !expectedCatalogHash.get().equals(catalog)) {
                throw new VersionRejectedException(RejectionKind.INCOMPATIBLE_CATALOG, "version " + version
                        + " was trained on region catalog " + catalog + " (" + bundle.catalog().size()
                        + " regions); this deployment serves catalog " + expectedCatalogHash.get());
            }
            RegionPredictor predictor;
            try {
                predictor = RegionPredictor.load(bundle, options);
            } catch (BundleException e) {
                throw new VersionRejectedException(RejectionKind.CORRUPT_BUNDLE, "version " + version + ": "
                        + e.getMessage(), e);
            } catch (NumericsMismatchException e) {
                throw new VersionRejectedException(RejectionKind.NUMERICS_MISMATCH, "version " + version + ": "
                        + e.getMessage(), e, e.difference());
            }
            try {
                predictor.warmUp(warmUpBatch);
                canary(predictor, version);
            } catch (RuntimeException | VersionRejectedException e) {
                predictor.close();
                if (e instanceof VersionRejectedException rejected) {
                    throw rejected;
                }
                throw new VersionRejectedException(RejectionKind.CANARY_FAILED, "version " + version
                        + " failed its canary batch: " + e.getMessage(), e);
            }
            return new ServedModel(name == null ? bundle.manifest().modelName() : name, version, predictor);
        } catch (BundleException e) {
            throw new VersionRejectedException(RejectionKind.CORRUPT_BUNDLE, "version " + version
                    + " is not a valid model bundle: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new VersionRejectedException(RejectionKind.ARTIFACT_UNREACHABLE, "version " + version
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void canary(RegionPredictor predictor, int version) throws VersionRejectedException {
        int size = predictor.preprocessing().inputSize();
        List<Prediction> predictions = predictor.predict(EncoderContract.probeInput(CANARY_BATCH, size), CANARY_BATCH);
        for (Prediction prediction : predictions) {
            double sum = 0;
            for (float p : prediction.probabilities()) {
                if (!Float.isFinite(p) || p < 0) {
                    throw new VersionRejectedException(RejectionKind.CANARY_FAILED, "version " + version
                            + " gave the probability " + p + " on its canary batch");
                }
                sum += p;
            }
            if (Math.abs(sum - 1) > 1e-3) {
                throw new VersionRejectedException(RejectionKind.CANARY_FAILED, "version " + version
                        + "'s probabilities sum to " + sum + " on its canary batch");
            }
        }
    }
}
