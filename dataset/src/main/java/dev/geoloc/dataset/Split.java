package dev.geoloc.dataset;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which part of a dataset an image belongs to. {@link #EXCLUDED} images belong to none: a blocked split
 * ({@link Splitter#blocked}) leaves them out because they stand within the buffer of a test location, where
 * training on them would teach the model the test photos' street. They stay in the manifest, visibly, so
 * that nothing a collector paid for is lost and a later split never reuses them by accident.
 */
public enum Split {
    TRAIN, VALIDATION, TEST, EXCLUDED;

    /** The name used in manifests: {@code train}, {@code validation}, {@code test}, {@code excluded}. */
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
        throw new IllegalArgumentException("split '" + label + "' is not one of "
                + Arrays.stream(values()).map(Split::label).collect(Collectors.joining(", ")));
    }
}
