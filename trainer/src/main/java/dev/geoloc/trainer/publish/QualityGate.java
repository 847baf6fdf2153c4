package dev.geoloc.trainer.publish;

import java.util.Locale;
import java.util.Optional;

import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.ModelVersion;

/**
 * Refuses a model that did worse than the stable version, so that a careless publish cannot make predictions
 * worse. A canary or a shadow is judged the same way: it goes beside the stable version, and may replace it.
 *
 * <p>The criterion is the mean distance error ({@code mean_error_km}), the study's headline metric: it
 * counts how far off the wrong answers are, which accuracy does not. On an equal mean error, region
 * accuracy breaks the tie. Equal on both passes: republishing the same model is not a regression.
 *
 * <p>Numbers are only compared when they measure the same thing: the same evaluation set ({@code dataset}
 * and {@code samples} equal, since a grown test set is another test set) and the same region catalog
 * (distances are between region centres). Otherwise the gate cannot judge and refuses, saying why. The
 * first version of a model has nothing to be compared with and passes.
 */
public final class QualityGate {

    private QualityGate() {
    }

    /**
     * @param current the stable version, which serves every image not routed to a canary, if any
     */
    public static GateVerdict judge(EvaluationMetrics candidate, String candidateCatalogHash,
                                    Optional<ModelVersion> current) {
        if (current.isEmpty()) {
            return GateVerdict.pass("no stable version is published yet: nothing to compare with");
        }
        ModelVersion published = current.get();
        EvaluationMetrics before = published.getMetrics();
        String version = "version " + published.getVersion();
        if (!published.getRegionCatalogHash().equals(candidateCatalogHash)) {
            return GateVerdict.refuse(version + " uses region catalog " + shortHash(published.getRegionCatalogHash())
                    + " and this model " + shortHash(candidateCatalogHash)
                    + ": errors between different regions cannot be compared");
        }
        if (!before.getDataset().equals(candidate.getDataset()) || before.getSamples() != candidate.getSamples()) {
            return GateVerdict.refuse(version + " was evaluated on " + testSet(before) + " and this model on "
                    + testSet(candidate) + ": not the same test set, so the gate cannot compare them; "
                    + "evaluate on " + testSet(before));
        }
        String comparison = String.format(Locale.ROOT, "mean error %.3f km and accuracy %.4f against %s's %.3f km "
                        + "and %.4f on %s", candidate.getMeanErrorKm(), candidate.getAccuracy(), version,
                before.getMeanErrorKm(), before.getAccuracy(), testSet(before));
        int byError = Double.compare(before.getMeanErrorKm(), candidate.getMeanErrorKm());
        if (byError < 0 || (byError == 0 && candidate.getAccuracy() < before.getAccuracy())) {
            return GateVerdict.refuse("worse than the stable version: " + comparison);
        }
        return GateVerdict.pass("no worse than the stable version: " + comparison);
    }

    private static String testSet(EvaluationMetrics metrics) {
        return metrics.getDataset() + " (" + metrics.getSamples() + " images)";
    }

    private static String shortHash(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "..." : hash;
    }
}
