package dev.geoloc.dataset.synth;

/**
 * One building along the street, in street coordinates (see {@link Camera}).
 *
 * @param side    -1 on the left of the street, +1 on the right
 * @param faceX   x of the façade that faces the street
 * @param z0      near end along the street
 * @param z1      far end
 * @param depthM  how far the building reaches back from the street
 * @param floors  storeys
 * @param colour  façade colour before light and haze
 * @param sign    colour of the shop sign over the ground floor, or null for none
 */
record Building(int side, double faceX, double z0, double z1, double depthM, int floors, Rgb colour, Rgb sign) {

    static final double FLOOR_M = 3.4;

    double heightM() {
        return floors * FLOOR_M + 1;
    }

    double backX() {
        return faceX + side * depthM;
    }
}
