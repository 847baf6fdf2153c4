package dev.geoloc.trainer.compare;

/**
 * How many of some trials succeeded: the agreement of two versions, or a version's accuracy.
 *
 * @param trials at least 1
 */
public record Proportion(long successes, long trials) {

    public Proportion {
        if (trials < 1 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("a proportion needs 0 <= successes <= trials and a trial at least: "
                    + successes + " of " + trials);
        }
    }

    public double share() {
        return (double) successes / trials;
    }

    /**
     * The 95 % Wilson score interval: unlike the normal approximation's p ± z·√(p(1-p)/n), it stays within 0 to 1
     * and keeps its coverage near 0 and 1, where agreement and accuracy of good models lie, and on small samples.
     */
    public Interval wilson95() {
        double z = Interval.Z_95;
        double n = trials;
        double p = share();
        double denominator = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / denominator;
        double half = z / denominator * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        // Rounding can take the ends a hair past 0 or 1, where they belong exactly.
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }
}
