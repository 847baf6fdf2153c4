package dev.geoloc.dataset.synth;

/**
 * Sun and air for one photo, in street coordinates (see {@link Camera}).
 *
 * @param sunX         rightward component of the horizontal unit vector toward the sun
 * @param sunZ         forward component of that vector
 * @param sunElevation sun's height above the horizon, radians
 * @param haze         the colour distant things fade into
 * @param visibilityM  distance over which haze takes half of the remaining contrast
 */
record Lighting(double sunX, double sunZ, double sunElevation, Rgb haze, double visibilityM) {

    /** Brightness of a vertical face whose outward normal points along (nx, nz): sky light plus direct sun. */
    double face(double nx, double nz) {
        double direct = Math.max(0, nx * sunX + nz * sunZ) * Math.cos(sunElevation);
        return 0.62 + 0.5 * direct;
    }

    /** Brightness of the ground in the open. */
    double ground() {
        return 0.75 + 0.3 * Math.sin(sunElevation);
    }

    /** The colour of something {@code distanceM} away, faded into the haze. */
    Rgb hazed(Rgb colour, double distanceM) {
        return colour.mix(haze, 1 - Math.pow(0.5, Math.max(0, distanceM) / visibilityM));
    }
}
