package dev.geoloc.trainer.compare;

import java.util.Locale;

/** A confidence interval, {@code low} to {@code high}. */
public record Interval(double low, double high) {

    /** The two-sided 95 % quantile of the standard normal distribution. */
    public static final double Z_95 = 1.959963984540054;

    public Interval {
        if (low > high) {
            throw new IllegalArgumentException("an interval's low end " + low + " is above its high end " + high);
        }
    }

    /** {@code [2.80, 3.62]}: each end times {@code scale} (100 for percent), with {@code decimals} decimals. */
    public String format(double scale, int decimals) {
        String end = "%." + decimals + "f";
        return String.format(Locale.ROOT, "[" + end + ", " + end + "]", low * scale, high * scale);
    }
}
