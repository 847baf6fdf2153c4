package dev.geoloc.trainer.evaluation;

import java.util.Locale;

import dev.geoloc.trainer.compare.Interval;

/**
 * A figure and its bootstrap confidence interval ({@link LocationBootstrap}): for a paired comparison, a
 * difference and its interval.
 *
 * @param estimate the figure on the images as they are (for several runs, the mean over them)
 * @param interval the percentile interval of the figure over the resamples
 */
public record BootstrapEstimate(double estimate, Interval interval) {

    /** Whether the interval leaves 0 out: for a difference, whether the data tell the two models apart. */
    public boolean excludesZero() {
        return interval.low() > 0 || interval.high() < 0;
    }

    /** {@code 79.78 [77.10, 82.30]}: each number times {@code scale} (100 for percent), with {@code decimals} decimals. */
    public String format(double scale, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f ", estimate * scale) + interval.format(scale, decimals);
    }
}
