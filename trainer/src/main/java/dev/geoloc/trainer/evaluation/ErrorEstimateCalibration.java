package dev.geoloc.trainer.evaluation;

import java.util.Arrays;
import java.util.List;

/**
 * Whether the model's distance-error estimate ({@code PointError.expectedErrorKm}, around the point it answers
 * with) and its confidence radius ({@code confidenceRadiusKm}) hold, in one {@link EstimateMeasure}.
 *
 * @param measure         what the actual error is measured to
 * @param spearman        Spearman's rank correlation between expected and actual error, ties given their average
 *                        rank: whether the model knows which of its answers are the worse ones, whatever their
 *                        scale. NaN when either side is the same on every image (e.g. a model right and certain
 *                        throughout), where a rank correlation says nothing
 * @param meanActualKm    the mean actual error
 * @param meanExpectedKm  the mean expected error
 * @param coverage        the fraction of images whose truth lies within the confidence radius of the estimate
 *                        (inclusive); {@code confidenceLevel} if the radius is honest
 * @param confidenceLevel the probability mass the radius was computed for (the predictor's 0.9)
 * @param medianRadiusKm  the median confidence radius: how sharp the radius is, which its coverage alone does not
 *                        say (a radius of the whole city covers every photo)
 */
public record ErrorEstimateCalibration(EstimateMeasure measure, double spearman, double meanActualKm,
                                       double meanExpectedKm, double coverage, double confidenceLevel,
                                       double medianRadiusKm) {

    /**
     * From outcomes that all carry a forecast.
     *
     * @throws IllegalArgumentException for no outcomes, an image without a forecast, or forecasts of different
     *                                  confidence levels
     */
    public static ErrorEstimateCalibration of(List<ImageOutcome> outcomes, EstimateMeasure measure) {
        int n = outcomes.size();
        double[] expected = new double[n];
        double[] actual = new double[n];
        double[] radii = new double[n];
        double level = confidenceLevel(outcomes);
        for (int i = 0; i < n; i++) {
            expected[i] = forecast(outcomes.get(i)).error().expectedErrorKm();
            actual[i] = measure.actualKm(outcomes.get(i));
            radii[i] = forecast(outcomes.get(i)).error().confidenceRadiusKm();
        }
        Arrays.sort(radii);
        double medianRadius = n % 2 == 1 ? radii[n / 2] : (radii[n / 2 - 1] + radii[n / 2]) / 2;
        return new ErrorEstimateCalibration(measure, RankCorrelation.spearman(expected, actual), mean(actual),
                mean(expected), coverage(outcomes, measure), level, medianRadius);
    }

    /**
     * The fraction of images whose truth lies within the confidence radius, alone: cheaper than {@link #of} for
     * a bootstrap's resamples.
     *
     * @throws IllegalArgumentException for no outcomes or an image without a forecast
     */
    public static double coverage(List<ImageOutcome> outcomes, EstimateMeasure measure) {
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException("no images: a coverage needs at least one");
        }
        int covered = 0;
        for (ImageOutcome outcome : outcomes) {
            if (measure.actualKm(outcome) <= forecast(outcome).error().confidenceRadiusKm()) {
                covered++;
            }
        }
        return (double) covered / outcomes.size();
    }

    /**
     * mean(actual) / mean(expected): above 1, the model underestimates its error; below, it overestimates it.
     * NaN when it expects no error at all.
     */
    public double ratio() {
        return meanExpectedKm == 0 ? Double.NaN : meanActualKm / meanExpectedKm;
    }

    private static ImageOutcome.Forecast forecast(ImageOutcome outcome) {
        return outcome.forecast().orElseThrow(() -> new IllegalArgumentException(
                "an image of location " + outcome.locationId() + " was scored without its probabilities"));
    }

    private static double confidenceLevel(List<ImageOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException("no images: a calibration needs at least one");
        }
        double level = forecast(outcomes.get(0)).error().confidenceLevel();
        for (ImageOutcome outcome : outcomes) {
            if (forecast(outcome).error().confidenceLevel() != level) {
                throw new IllegalArgumentException("confidence radii at levels " + level + " and "
                        + forecast(outcome).error().confidenceLevel() + ": one coverage cannot check both");
            }
        }
        return level;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
