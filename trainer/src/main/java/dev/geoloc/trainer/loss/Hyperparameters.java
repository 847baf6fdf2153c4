package dev.geoloc.trainer.loss;

/**
 * Range checks shared by the loss constructors and {@link LossSpec}, so a bad value fails with the same message
 * whether it came from code or from the command line. Messages name the command-line parameter.
 */
final class Hyperparameters {

    private Hyperparameters() {
    }

    static double positive(String name, double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a positive number, got " + value);
        }
        return value;
    }

    static double nonNegative(String name, double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a number >= 0, got " + value);
        }
        return value;
    }

    static double fraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
        return value;
    }
}
