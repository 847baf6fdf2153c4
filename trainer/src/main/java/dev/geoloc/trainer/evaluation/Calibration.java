package dev.geoloc.trainer.evaluation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How far a model's stated uncertainty can be trusted, on one set of images: its probabilities (ECE, NLL,
 * Brier score, the reliability diagram's bins) and its distance-error estimate in each {@link EstimateMeasure}.
 * A model that says 80 % should be right 80 % of the time, and one that expects 3 km of error should be off by
 * about 3 km: these are what a user of its probabilities and radii relies on. Immutable.
 *
 * @param images        how many images the figures are over
 * @param ece           expected calibration error: the images are put in {@value #BINS} equal-width bins of
 *                      top-1 confidence (the predicted region's probability; bin k holds (k/15, (k+1)/15], the
 *                      first also 0), and the gaps |accuracy − mean confidence| of the bins are averaged,
 *                      weighted by their image counts. 0 is perfect, as is a gap hidden by opposite errors
 *                      within one bin
 * @param nll           negative log-likelihood: the mean over images of −ln p(true region), with p clamped at
 *                      {@value #PROBABILITY_FLOOR} so that one image given probability 0 costs 27.6 nats, not
 *                      infinity
 * @param brier         the multi-class Brier score: the mean over images of Σ_j (p_j − 1[j = true])², summed
 *                      over the regions and not divided by their number, so from 0 (certain and right) to 2
 *                      (certain and wrong)
 * @param bins          the {@value #BINS} bins of the ECE, for the reliability diagram
 * @param errorEstimate the distance-error estimate's calibration in each measure
 */
public record Calibration(int images, double ece, double nll, double brier, List<ReliabilityBin> bins,
                          Map<EstimateMeasure, ErrorEstimateCalibration> errorEstimate) {

    /** The ECE's bin count, as in Guo et al.'s "On Calibration of Modern Neural Networks". */
    public static final int BINS = 15;
    /** The smallest probability the NLL takes a logarithm of. */
    public static final double PROBABILITY_FLOOR = 1e-12;

    public Calibration {
        bins = List.copyOf(bins);
        errorEstimate = Collections.unmodifiableMap(new EnumMap<>(errorEstimate));
    }

    /**
     * The calibration of these images' forecasts; empty when some image was scored without its
     * probabilities (then nothing about calibration can be said, and nothing is made up).
     *
     * @throws IllegalArgumentException for no outcomes, or forecasts at different confidence levels
     */
    public static Optional<Calibration> of(List<ImageOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException("no images: a calibration needs at least one");
        }
        if (outcomes.stream().anyMatch(o -> o.forecast().isEmpty())) {
            return Optional.empty();
        }
        double logLoss = 0;
        double brier = 0;
        for (ImageOutcome outcome : outcomes) {
            ImageOutcome.Forecast forecast = outcome.forecast().orElseThrow();
            logLoss -= Math.log(Math.max(forecast.probability(outcome.trueRegion()), PROBABILITY_FLOOR));
            for (int j = 0; j < forecast.regions(); j++) {
                double gap = forecast.probability(j) - (j == outcome.trueRegion() ? 1 : 0);
                brier += gap * gap;
            }
        }
        List<ReliabilityBin> bins = reliabilityBins(outcomes);
        Map<EstimateMeasure, ErrorEstimateCalibration> errorEstimate = new EnumMap<>(EstimateMeasure.class);
        for (EstimateMeasure measure : EstimateMeasure.values()) {
            errorEstimate.put(measure, ErrorEstimateCalibration.of(outcomes, measure));
        }
        return Optional.of(new Calibration(outcomes.size(), expectedCalibrationError(bins, outcomes.size()),
                logLoss / outcomes.size(), brier / outcomes.size(), bins, errorEstimate));
    }

    /**
     * The ECE alone, cheaper than {@link #of} for a bootstrap's thousands of resamples.
     *
     * @throws IllegalArgumentException for no outcomes or an image without probabilities
     */
    public static double expectedCalibrationError(List<ImageOutcome> outcomes) {
        return expectedCalibrationError(reliabilityBins(outcomes), outcomes.size());
    }

    public ErrorEstimateCalibration errorEstimate(EstimateMeasure measure) {
        return errorEstimate.get(measure);
    }

    private static double expectedCalibrationError(List<ReliabilityBin> bins, int images) {
        double sum = 0;
        for (ReliabilityBin bin : bins) {
            if (bin.images() > 0) {
                sum += bin.images() * Math.abs(bin.accuracy() - bin.meanConfidence());
            }
        }
        return sum / images;
    }

    private static List<ReliabilityBin> reliabilityBins(List<ImageOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException("no images: a calibration needs at least one");
        }
        int[] counts = new int[BINS];
        int[] correct = new int[BINS];
        double[] confidence = new double[BINS];
        for (ImageOutcome outcome : outcomes) {
            ImageOutcome.Forecast forecast = outcome.forecast().orElseThrow(() -> new IllegalArgumentException(
                    "an image of location " + outcome.locationId() + " was scored without its probabilities"));
            double top = forecast.probability(outcome.predictedRegion());
            int bin = bin(top);
            counts[bin]++;
            confidence[bin] += top;
            correct[bin] += outcome.correct() ? 1 : 0;
        }
        List<ReliabilityBin> bins = new ArrayList<>(BINS);
        for (int k = 0; k < BINS; k++) {
            bins.add(new ReliabilityBin((double) k / BINS, (double) (k + 1) / BINS, counts[k],
                    counts[k] == 0 ? Double.NaN : confidence[k] / counts[k],
                    counts[k] == 0 ? Double.NaN : (double) correct[k] / counts[k]));
        }
        return bins;
    }

    /** The bin of a confidence: (k/15, (k+1)/15] is bin k; 0 goes to the first and anything above 1 to the last. */
    static int bin(double confidence) {
        return Math.max(0, Math.min(BINS - 1, (int) Math.ceil(confidence * BINS) - 1));
    }
}
