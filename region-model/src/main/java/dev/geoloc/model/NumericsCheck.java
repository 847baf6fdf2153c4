package dev.geoloc.model;

import java.util.Locale;

/**
 * How a loaded model compared with its bundle's {@link ReferenceOutputs}.
 *
 * @param referenced whether the bundle carries reference outputs; bundles written before they existed do not,
 *                   and load unchecked (the process's own self-check still guards the runtime)
 * @param difference the measured {@link ReferenceOutputs#difference}, NaN when unreferenced
 * @param tolerance  the tolerance it passed, NaN when unreferenced
 */
public record NumericsCheck(boolean referenced, double difference, double tolerance) {

    static final NumericsCheck UNREFERENCED = new NumericsCheck(false, Double.NaN, Double.NaN);

    /** e.g. {@code matches its reference outputs (difference 2.1e-07, tolerance 1e-03)}. */
    public String describe() {
        return referenced ? String.format(Locale.ROOT, "matches its reference outputs (difference %.2g, tolerance %.0g)",
                difference, tolerance)
                : "unchecked: the bundle carries no reference outputs (written before they existed; write it again "
                + "to add them)";
    }
}
