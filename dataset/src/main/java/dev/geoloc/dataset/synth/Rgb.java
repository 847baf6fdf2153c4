package dev.geoloc.dataset.synth;

import java.awt.Color;

/** A linear-ish RGB colour with components in [0, 1], for the arithmetic of shading and haze. */
record Rgb(double r, double g, double b) {

    static Rgb of(int hex) {
        return new Rgb(((hex >> 16) & 0xFF) / 255.0, ((hex >> 8) & 0xFF) / 255.0, (hex & 0xFF) / 255.0);
    }

    Rgb times(double k) {
        return new Rgb(r * k, g * k, b * k);
    }

    /** {@code t} of the way from this colour to {@code other}. */
    Rgb mix(Rgb other, double t) {
        return new Rgb(r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t);
    }

    Color color() {
        return new Color(clamp(r), clamp(g), clamp(b));
    }

    Color color(double alpha) {
        return new Color(clamp(r), clamp(g), clamp(b), (float) Math.max(0, Math.min(1, alpha)));
    }

    private static float clamp(double v) {
        return (float) Math.max(0, Math.min(1, v));
    }
}
