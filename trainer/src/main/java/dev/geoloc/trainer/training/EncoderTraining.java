package dev.geoloc.trainer.training;

import java.util.Locale;

/**
 * How much of the encoder trains: none of it ({@code frozen}), its last {@code n} parameter tensors
 * ({@code last:N}, e.g. the final blocks and norm of a ViT), or all of it ({@code full}).
 */
public record EncoderTraining(Mode mode, int lastParameters) {

    public enum Mode { FROZEN, LAST, FULL }

    public static final EncoderTraining FROZEN = new EncoderTraining(Mode.FROZEN, 0);
    public static final EncoderTraining FULL = new EncoderTraining(Mode.FULL, 0);

    /** @throws IllegalArgumentException for anything but frozen, full or last:N with N >= 1 */
    public static EncoderTraining parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("frozen")) {
            return FROZEN;
        }
        if (value.equals("full")) {
            return FULL;
        }
        if (value.startsWith("last:")) {
            try {
                int n = Integer.parseInt(value.substring(5));
                if (n >= 1) {
                    return new EncoderTraining(Mode.LAST, n);
                }
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException("encoder training '" + text + "' is not frozen, full or last:N (N >= 1)");
    }

    public boolean trains() {
        return mode != Mode.FROZEN;
    }

    @Override
    public String toString() {
        return mode == Mode.LAST ? "last:" + lastParameters : mode.name().toLowerCase(Locale.ROOT);
    }
}
