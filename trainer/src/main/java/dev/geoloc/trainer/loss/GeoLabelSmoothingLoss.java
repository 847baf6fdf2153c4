package dev.geoloc.trainer.loss;

import ai.djl.ndarray.NDArray;
import dev.geoloc.regions.RegionCatalog;

/**
 * The study's geo label smoothing (§3.2, loss 3): label smoothing whose smoothing mass follows a geographic prior
 * rather than the uniform distribution.
 *
 * <pre>prior_j = exp(−d_j / t) / Σ_k exp(−d_k / t)
 * q       = (1 − ε)·onehot(y) + ε·prior
 * L       = −Σ_j q_j · log softmax(z)_j</pre>
 *
 * with d_j the distance from the truth to region j's center. As in the study's {@code GeoLabelSmoothingLoss}, the
 * prior is normalised over all regions including j = y (d_y = 0 from the region center), so the true region gets
 * (1 − ε) + ε·prior_y. {@link DistanceFrom#PHOTO} measures d from the photo instead, keeping the one-hot on y.
 * With ε = 0 this is cross entropy.
 */
public final class GeoLabelSmoothingLoss extends RegionLoss {

    /** ε = 0.1, the study's default. */
    public static final double DEFAULT_EPSILON = 0.1;

    /** t = 10 km, the study's default: the prior falls by e per 10 km. */
    public static final double DEFAULT_TEMPERATURE_KM = 10.0;

    private final double epsilon;
    private final double temperatureKm;
    private final TruthDistances distances;

    /**
     * @param epsilon       the smoothing mass, in [0, 1]
     * @param temperatureKm the prior's decay length t in kilometres, &gt; 0
     * @param from          where distances are measured from
     */
    public GeoLabelSmoothingLoss(RegionCatalog catalog, double epsilon, double temperatureKm, DistanceFrom from) {
        super(from == DistanceFrom.PHOTO ? "geo-smooth-photo" : "geo-smooth", catalog);
        this.epsilon = Hyperparameters.fraction("epsilon", epsilon);
        this.temperatureKm = Hyperparameters.positive("t", temperatureKm);
        this.distances = TruthDistances.from(from, catalog);
    }

    @Override
    NDArray perSample(Batch batch) {
        NDArray prior = distances.kilometres(batch).mul(-1 / temperatureKm).softmax(1);
        NDArray targets = batch.oneHot().mul(1 - epsilon).add(prior.mul(epsilon));
        return crossEntropy(targets, batch.logProbabilities());
    }
}
