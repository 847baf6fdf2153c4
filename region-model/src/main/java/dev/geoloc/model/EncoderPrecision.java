package dev.geoloc.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * The number type an encoder computes in. Every encoder takes and gives float32 (the contract); one exported in half
 * precision casts its input to its own type and its embedding back ({@code trainer/scripts/export_half.py}), which
 * roughly doubles a GPU's rate. DJL cannot cast a loaded TorchScript module, so the precision is fixed by the export.
 */
public enum EncoderPrecision {
    FP32(ReferenceOutputs.DEFAULT_TOLERANCE),
    FP16(EncoderPrecision.HALF_TOLERANCE),
    BF16(EncoderPrecision.HALF_TOLERANCE);

    /**
     * How far a half-precision model's outputs may stray from its fp32 original, and from its own reference on
     * another device. Half types keep about three significant digits an operation; a broken kernel is off by far more
     * (gpu_check.py uses the same bar).
     */
    public static final double HALF_TOLERANCE = 5e-2;

    private final double tolerance;

    EncoderPrecision(double tolerance) {
        this.tolerance = tolerance;
    }

    /** The tolerance of the reference outputs a bundle of this precision is written with. */
    public double tolerance() {
        return tolerance;
    }

    /** As bundle.json writes it: fp32, fp16, bf16. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for a label that names no precision */
    public static EncoderPrecision fromLabel(String label) {
        return Arrays.stream(values()).filter(p -> p.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + label + "' is not a precision (fp32, fp16, bf16)"));
    }
}
