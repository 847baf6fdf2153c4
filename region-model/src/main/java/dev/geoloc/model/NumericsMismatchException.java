package dev.geoloc.model;

/**
 * This runtime computes a model differently from the runtime that wrote it, by more than the bundle's tolerance,
 * or the process's own self-check failed: what it would predict cannot be trusted. Not a fault of the bundle,
 * which another machine may serve correctly, but of the CPU, kernel path or device computing it here.
 */
public final class NumericsMismatchException extends RuntimeException {

    private final double difference;

    public NumericsMismatchException(String message, double difference) {
        super(message);
        this.difference = difference;
    }

    /** The process's own self-check failed: no model it computes can be trusted. */
    public static NumericsMismatchException of(dev.geoloc.numerics.SelfCheckReport engine) {
        return new NumericsMismatchException("this process's " + engine.summary() + ". " + engine.fix().orElse(""),
                engine.maxDifference());
    }

    /** The largest difference found (NaN for outputs that are not finite). */
    public double difference() {
        return difference;
    }
}
