package dev.geoloc.trainer.evaluation;

/**
 * One confidence bin of the {@link Calibration}'s ECE and of the {@link ReliabilityDiagram}.
 *
 * @param lower          the bin's lower end (exclusive, but for the first bin's 0)
 * @param upper          the bin's upper end (inclusive)
 * @param images         how many images' top-1 confidence falls in the bin
 * @param meanConfidence their mean top-1 confidence; NaN for an empty bin
 * @param accuracy       the fraction of them predicted right; NaN for an empty bin
 */
public record ReliabilityBin(double lower, double upper, int images, double meanConfidence, double accuracy) {
}
