package dev.geoloc.numerics;

import java.util.Optional;

import com.sun.jna.NativeLibrary;

/**
 * oneDNN's instruction-set cap, {@code ONEDNN_MAX_CPU_ISA}, which oneDNN reads once, before its first kernel: a
 * person's setting is kept, and on a CPU known to compute wrong with oneDNN's wider kernels this process sets the
 * cap itself before libtorch convolves anything. The self-check then verifies the result like any other path.
 *
 * <p>Known: AMD family 26 (Zen 5) with oneDNN 3.5 (libtorch 2.5.1 and 2.7.1), whose AVX-512 convolutions differ by
 * 0.1 to 0.3 relative and give NaN in training; capped at AVX2 they are exact and the fastest right path measured
 * there (docs/numerics.md). A CPU not known but wrong all the same is caught by the probes and leaves oneDNN.
 */
final class OneDnnCap {

    static final String VARIABLE = "ONEDNN_MAX_CPU_ISA";

    private static String setHere;
    private static String reason;

    private OneDnnCap() {
    }

    /** The cap in force for oneDNN's first kernel, if any: a person's, or the one set here. */
    static synchronized Optional<String> current() {
        String given = System.getenv(VARIABLE);
        return Optional.ofNullable(given != null && !given.isBlank() ? given : setHere);
    }

    /** Why this process set the cap itself; empty when it did not. */
    static synchronized Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /**
     * Caps oneDNN at AVX2 when {@code cpu} is one known to compute wrong above it and no one set a cap. Takes effect
     * only before oneDNN's first kernel in this process; the probes that follow show whether it did.
     */
    static synchronized void applyFor(CpuDescription cpu) {
        if (current().isPresent() || !cpu.oneDnnWrongAboveAvx2()) {
            return;
        }
        try {
            NativeLibrary.getInstance("c").getFunction("setenv").invokeInt(new Object[] {VARIABLE, "AVX2", 1});
        } catch (UnsatisfiedLinkError e) {
            return; // no C library to set it in (not Linux): the probes still decide
        }
        setHere = "AVX2";
        reason = cpu.vendor() + " family " + cpu.family() + " computes wrong with oneDNN's AVX-512 convolutions";
    }
}
