package dev.geoloc.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.geoloc.regions.RegionCatalog;

/**
 * The study's expected distance loss (§3.2, loss 4): cross entropy plus the distance from the truth expected under
 * the predicted distribution, so probability on far regions costs more than on near ones.
 *
 * <pre>L = −log softmax(z)_y + λ · Σ_j softmax(z)_j · d_j</pre>
 *
 * with d_j the distance from the truth to region j's center: from the true region's center (the study) or from the
 * photo ({@link DistanceFrom#PHOTO}). λ is per kilometre, so the second term is in nats like the first.
 */
public final class ExpectedDistanceLoss extends RegionLoss {

    /**
     * λ = 0.01 per km; the study gives no value. Regions of the Los Angeles catalog are 20 km apart on average, so
     * an untrained model's expected-distance term is about 0.2 nats against cross entropy's ln 15 ≈ 2.7: the distance
     * term steers which wrong regions get probability without outweighing classification (the study found this loss
     * interferes with classification; a larger λ would make that worse).
     */
    public static final double DEFAULT_LAMBDA_PER_KM = 0.01;

    private final double lambdaPerKm;
    private final TruthDistances distances;

    /**
     * @param lambdaPerKm weight of the expected distance in nats per kilometre, &gt;= 0
     * @param from        where distances are measured from
     */
    public ExpectedDistanceLoss(RegionCatalog catalog, double lambdaPerKm, DistanceFrom from) {
        super(from == DistanceFrom.PHOTO ? "expected-photo" : "expected", catalog);
        this.lambdaPerKm = Hyperparameters.nonNegative("lambda", lambdaPerKm);
        this.distances = TruthDistances.from(from, catalog);
    }

    @Override
    NDArray perSample(Batch batch) {
        NDArray logProbabilities = batch.logProbabilities();
        NDArray expectedKm = logProbabilities.exp().mul(distances.kilometres(batch)).sum(new int[] {1});
        return crossEntropy(batch.oneHot(), logProbabilities).add(expectedKm.mul(lambdaPerKm));
    }
}
