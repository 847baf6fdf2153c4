package dev.geoloc.trainer.evaluation;

import java.util.Locale;

/**
 * One figure over several runs of a model (seeds): the mean and the sample standard deviation (n - 1).
 *
 * @param runs how many values; with one there is no spread, and {@code std} is 0
 */
public record Spread(double mean, double std, int runs) {

    /** @throws IllegalArgumentException for no values */
    public static Spread of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a spread needs at least one value");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new Spread(mean, values.length < 2 ? 0 : Math.sqrt(squares / (values.length - 1)), values.length);
    }

    /** {@code 83.70} for one run, {@code 83.70 ± 0.41} for several, at two decimals like the study. */
    public String format() {
        return runs < 2 ? String.format(Locale.ROOT, "%.2f", mean)
                : String.format(Locale.ROOT, "%.2f ± %.2f", mean, std);
    }
}
