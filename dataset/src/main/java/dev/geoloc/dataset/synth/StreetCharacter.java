package dev.geoloc.dataset.synth;

/**
 * What a street looks like at one place: the city's smooth fields read at a point. Every value changes
 * slowly with position, so neighbouring places share a character and distant ones do not.
 *
 * @param storeys        typical building height in storeys (1 to 27)
 * @param builtFraction  share of the frontage covered by buildings, the rest is gaps and lots (0.35 to 1)
 * @param setbackM       typical front-yard depth in metres
 * @param palette        position along {@link FacadePalette}, in [0, 1]
 * @param paletteSpread  how far single buildings stray from that position
 * @param lightness      brightness factor of façades (about 0.7 to 1.15)
 * @param treesPer100m   street trees per 100 m of sidewalk
 * @param palmShare      share of those trees that are palms
 * @param greenness      lawns and foliage from dry brown (0) to irrigated green (1)
 * @param roadHalfWidthM half the carriageway width in metres
 * @param asphalt        road surface from dark fresh asphalt (0) to pale worn concrete (1)
 * @param signage        chance that a building has a shop sign
 * @param signHue        typical hue of signs, in [0, 1)
 * @param visibilityKm   distance at which haze hides half of an object's contrast
 * @param smog           haze tint from cool marine grey (0) to warm inland brown (1)
 * @param skyBlue        from pale marine sky (0) to deep blue (1)
 * @param poles          density of utility poles and overhead wires (0 none to 1 every block)
 * @param elevationM     ground height, for hills and mountains on the horizon
 */
public record StreetCharacter(double storeys, double builtFraction, double setbackM, double palette,
                              double paletteSpread, double lightness, double treesPer100m, double palmShare,
                              double greenness, double roadHalfWidthM, double asphalt, double signage,
                              double signHue, double visibilityKm, double smog, double skyBlue, double poles, double elevationM) {
}
