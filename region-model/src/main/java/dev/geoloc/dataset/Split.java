package dev.geoloc.dataset;

import java.util.Locale;

/** Which part of a dataset an image belongs to. */
public enum Split {
    TRAIN, VALIDATION, TEST;

    /** The name used in manifests: {@code train}, {@code validation}, {@code test}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for another label */
    public static Split fromLabel(String label) {
        for (Split split : values()) {
            if (split.label().equals(label)) {
                return split;
            }
        }
        throw new IllegalArgumentException("split '" + label + "' is not one of train, validation, test");
    }
}
