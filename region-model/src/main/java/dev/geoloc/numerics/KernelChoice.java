package dev.geoloc.numerics;

import java.util.Locale;
import java.util.Optional;

/**
 * How a process chooses its {@link KernelPath}: {@code auto} (the default) checks libtorch's default path
 * against the built-in encoders' probes and leaves oneDNN for ATen's own kernels when they disagree;
 * {@code onednn} and {@code native} force a path (and are still checked). Set with the system property
 * {@code geoloc.cpu-kernels} or the environment variable {@code GEOLOC_CPU_KERNELS}.
 */
public enum KernelChoice {
    AUTO, ONEDNN, NATIVE;

    public static final String PROPERTY = "geoloc.cpu-kernels";
    public static final String ENVIRONMENT = "GEOLOC_CPU_KERNELS";

    /** The property, else the environment variable, else {@code auto}. */
    public static KernelChoice configured() {
        String value = Optional.ofNullable(System.getProperty(PROPERTY)).orElse(System.getenv(ENVIRONMENT));
        return value == null || value.isBlank() ? AUTO : parse(value);
    }

    /** @throws IllegalArgumentException naming the choices */
    public static KernelChoice parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CPU kernel choice '" + value + "' is not auto, onednn or native ("
                    + PROPERTY + " / " + ENVIRONMENT + ")", e);
        }
    }

    public String setting() {
        return name().toLowerCase(Locale.ROOT);
    }
}
