package dev.geoloc.dataset.synth;

import java.util.List;

/**
 * Building colours as one ordered strip of plausible façade materials, so that a smooth field over the
 * city picks a smooth run of neighbouring materials: cream stucco shades into sand and terracotta in one
 * district, concrete into blue glass in another.
 */
final class FacadePalette {

    private static final List<Rgb> STRIP = List.of(
            Rgb.of(0xEFE6D2), // cream stucco
            Rgb.of(0xD9C29A), // sand
            Rgb.of(0xC98B5E), // terracotta
            Rgb.of(0xA4553F), // red brick
            Rgb.of(0xD7A3A0), // pastel pink
            Rgb.of(0xF2F2EE), // white render
            Rgb.of(0xB8B6B0), // concrete
            Rgb.of(0x8A9AA8), // blue-grey glass
            Rgb.of(0x5F7E99), // blue glass
            Rgb.of(0xA8B89A), // sage
            Rgb.of(0xE3CF7A)); // mustard

    private FacadePalette() {
    }

    /** The colour at {@code position} in [0, 1] along the strip, interpolated between materials. */
    static Rgb at(double position) {
        double p = Math.max(0, Math.min(1, position)) * (STRIP.size() - 1);
        int i = Math.min((int) p, STRIP.size() - 2);
        return STRIP.get(i).mix(STRIP.get(i + 1), p - i);
    }
}
