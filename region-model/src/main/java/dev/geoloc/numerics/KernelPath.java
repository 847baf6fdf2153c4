package dev.geoloc.numerics;

/**
 * Which CPU kernels libtorch runs convolutions (and its other oneDNN operators) with. Both compute the same
 * function; on some CPUs only one computes it right (see docs/numerics.md).
 */
public enum KernelPath {
    /** libtorch's default: oneDNN, at the widest instruction set the CPU has unless ONEDNN_MAX_CPU_ISA caps it. */
    ONEDNN,
    /** oneDNN switched off: ATen's own kernels (im2col and BLAS for convolutions). */
    NATIVE;

    /** The choice that forces this path. */
    public KernelChoice choice() {
        return KernelChoice.valueOf(name());
    }

    /** The setting's spelling: {@code onednn} or {@code native}. */
    public String setting() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** For people: the path and, for oneDNN, the instruction-set cap in force. */
    public String describe() {
        if (this == NATIVE) {
            return "native (oneDNN off: ATen's own kernels)";
        }
        return "onednn (" + OneDnnCap.current().map(cap -> OneDnnCap.VARIABLE + "=" + cap
                + OneDnnCap.reason().map(why -> ", set because " + why).orElse(""))
                .orElse("the widest instruction set the CPU has") + ")";
    }
}
