package dev.geoloc.trainer.compare;

import java.util.Optional;

/**
 * The mean of values added one by one, with its 95 % confidence interval by the normal approximation
 * (mean ± 1.96 standard errors): fair for the hundreds of images a comparison usually has, optimistic for a
 * handful. Welford's running mean and sum of squared deviations, so that errors of thousands of images lose no
 * precision to the square of a sum.
 */
public final class SampleMean {

    private long count;
    private double mean;
    private double squaredDeviations;

    public void add(double value) {
        count++;
        double delta = value - mean;
        mean += delta / count;
        squaredDeviations += delta * (value - mean);
    }

    public long count() {
        return count;
    }

    /** NaN before the first value. */
    public double mean() {
        return count == 0 ? Double.NaN : mean;
    }

    /** The sample standard deviation (n - 1); empty below two values. */
    public Optional<Double> standardDeviation() {
        return count < 2 ? Optional.empty() : Optional.of(Math.sqrt(squaredDeviations / (count - 1)));
    }

    /** Empty below two values, whose spread says nothing. */
    public Optional<Interval> interval95() {
        return standardDeviation().map(sd -> {
            double half = Interval.Z_95 * sd / Math.sqrt(count);
            return new Interval(mean - half, mean + half);
        });
    }
}
