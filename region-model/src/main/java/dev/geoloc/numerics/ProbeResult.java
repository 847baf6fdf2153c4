package dev.geoloc.numerics;

/**
 * One built-in encoder run on its probe batch at one thread count, against the outputs its exporter saved.
 *
 * @param encoder       the built-in encoder's name
 * @param threads       libtorch's intra-op threads for the run
 * @param maxDifference the largest |output - saved| over the batch, divided by the largest |saved| (NaN when the
 *                      output is not finite)
 * @param tolerance     the largest {@code maxDifference} that passes
 */
public record ProbeResult(String encoder, int threads, double maxDifference, double tolerance) {

    public boolean passed() {
        return maxDifference <= tolerance; // false for NaN
    }

    @Override
    public String toString() {
        return encoder + " at " + threads + (threads == 1 ? " thread" : " threads") + ": relative difference "
                + String.format(java.util.Locale.ROOT, "%.2g", maxDifference) + (passed() ? " (ok)" : " (over "
                + String.format(java.util.Locale.ROOT, "%.0g", tolerance) + ")");
    }
}
