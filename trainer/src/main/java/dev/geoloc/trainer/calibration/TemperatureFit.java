package dev.geoloc.trainer.calibration;

import dev.geoloc.model.BundleCalibration;

/**
 * Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks"): the one temperature T that, dividing
 * the logits, minimises the negative log-likelihood of held-out images. One parameter cannot change which region is
 * most probable, so accuracy stays as it was, while over-confident probabilities (T > 1) or under-confident ones
 * (T < 1) come back toward what happens.
 *
 * @param temperature the fitted T, in [{@link BundleCalibration#MIN_TEMPERATURE}, {@link BundleCalibration#MAX_TEMPERATURE}]
 * @param nllBefore   the mean NLL at T = 1
 * @param nllAfter    the mean NLL at the fitted T, never above {@code nllBefore}
 */
public record TemperatureFit(double temperature, double nllBefore, double nllAfter) {

    /** Golden-section steps end when the bracket on ln T is this narrow: T to 0.01 %. */
    private static final double TOLERANCE = 1e-4;
    private static final double INVERSE_GOLDEN_RATIO = (Math.sqrt(5) - 1) / 2;

    /**
     * Golden-section search on ln T over the allowed range. The NLL is convex in 1/T, so it has one minimum along ln T
     * too, which the search brackets; searching ln T gives as much room to T = 0.5 as to T = 2. When the
     * images are all right and certain the minimum is at the range's low end, and T stops there.
     *
     * @throws IllegalArgumentException for no images
     */
    public static TemperatureFit of(LabelledLogits data) {
        if (data.images() == 0) {
            throw new IllegalArgumentException("no images: a temperature needs at least one to be fitted on");
        }
        double low = Math.log(BundleCalibration.MIN_TEMPERATURE);
        double high = Math.log(BundleCalibration.MAX_TEMPERATURE);
        double a = high - INVERSE_GOLDEN_RATIO * (high - low);
        double b = low + INVERSE_GOLDEN_RATIO * (high - low);
        double nllA = data.nll(Math.exp(a));
        double nllB = data.nll(Math.exp(b));
        while (high - low > TOLERANCE) {
            if (nllA <= nllB) {
                high = b;
                b = a;
                nllB = nllA;
                a = high - INVERSE_GOLDEN_RATIO * (high - low);
                nllA = data.nll(Math.exp(a));
            } else {
                low = a;
                a = b;
                nllA = nllB;
                b = low + INVERSE_GOLDEN_RATIO * (high - low);
                nllB = data.nll(Math.exp(b));
            }
        }
        double before = data.nll(1);
        double temperature = Math.exp((low + high) / 2);
        double after = data.nll(temperature);
        // T = 1 lies in the range, so the minimum is never worse than it; the search's last bracket could be, by a hair
        return after <= before ? new TemperatureFit(temperature, before, after) : new TemperatureFit(1, before, before);
    }
}
