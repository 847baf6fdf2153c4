package dev.geoloc.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.geoloc.regions.RegionCatalog;

/**
 * The study's soft-label cross entropy (§3.2, loss 2): cross entropy against a Gaussian (RBF) kernel over the
 * distances from the truth, so geographically close regions share the target mass.
 *
 * <pre>q_j = exp(−d_j² / (2σ²)) / Σ_k exp(−d_k² / (2σ²)),   L = −Σ_j q_j · log softmax(z)_j</pre>
 *
 * with d_j the distance from the truth to region j's center: from the true region's center (the study;
 * d_y = 0) or from the photo itself ({@link DistanceFrom#PHOTO}). As σ → 0 the target becomes one-hot (on the
 * nearest center) and the loss becomes cross entropy.
 */
public final class SoftLabelLoss extends RegionLoss {

    /**
     * σ = 3 km; the study gives no value. Nearest neighbours in the Los Angeles catalog are 3.7–10 km apart (median
     * 5 km), so at 3 km the true region keeps half the target mass in the most crowded spot and about two thirds in
     * the median one, while regions beyond 9 km (3σ) get under 1 %: the kernel reaches the adjacent regions only.
     */
    public static final double DEFAULT_SIGMA_KM = 3.0;

    private final double sigmaKm;
    private final TruthDistances distances;

    /**
     * @param sigmaKm the kernel's width in kilometres, &gt; 0
     * @param from    where distances are measured from
     */
    public SoftLabelLoss(RegionCatalog catalog, double sigmaKm, DistanceFrom from) {
        super(from == DistanceFrom.PHOTO ? "soft-photo" : "soft", catalog);
        this.sigmaKm = Hyperparameters.positive("sigma", sigmaKm);
        this.distances = TruthDistances.from(from, catalog);
    }

    @Override
    NDArray perSample(Batch batch) {
        // softmax normalises after subtracting the row's maximum, so a small σ yields a one-hot target instead of
        // 0/0 when every exp(−d²/2σ²) underflows (a photo variant has no d = 0).
        NDArray targets = distances.kilometres(batch).square().mul(-1 / (2 * sigmaKm * sigmaKm)).softmax(1);
        return crossEntropy(targets, batch.logProbabilities());
    }
}
