package dev.geoloc.dataset.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The street itself, from the ground up: lots, sidewalks, road and markings, cast shadows, the buildings
 * on both sides, then trees, utility poles and parked cars, each painted far to near. The place's
 * {@link StreetCharacter} sets the typical values; the place's dice ({@link Scene#place()}) pick each building,
 * sign, tree and pole, so every photo there shows them, and the photo's own dice pick the parked cars.
 */
final class StreetPainter {

    private static final double FAR_M = 320;
    private static final Rgb ASPHALT = Rgb.of(0x3E3F42);
    private static final Rgb WORN_CONCRETE = Rgb.of(0x9A968E);
    private static final Rgb SIDEWALK = Rgb.of(0xB9B4A9);
    private static final Rgb CONCRETE = Rgb.of(0x9D9A93);
    private static final Rgb LAWN = Rgb.of(0x5E8A3C);
    private static final Rgb DRY = Rgb.of(0xA89A72);
    private static final Rgb GLASS = Rgb.of(0x2F3B48);
    private static final Rgb YELLOW_LINE = Rgb.of(0xE0C040);
    private static final Rgb WHITE_LINE = Rgb.of(0xE8E8E4);
    private static final Rgb TRUNK = Rgb.of(0x6B5844);
    private static final Rgb POLE = Rgb.of(0x5E5246);
    private static final List<Rgb> CAR_COLOURS = List.of(Rgb.of(0xF0F0F0), Rgb.of(0x202225), Rgb.of(0xA8ACB0),
            Rgb.of(0x9A2A2A), Rgb.of(0x2A3F75), Rgb.of(0x6A6E72));

    /** Painting order for what stands on the sidewalk and the road: farthest first. */
    private record Prop(double z, Runnable paint) {
    }

    void paint(Scene scene, double roadHalf, double sidewalk) {
        StreetCharacter street = scene.street();
        List<Building> buildings = new ArrayList<>();
        buildings.addAll(row(scene, -1, roadHalf + sidewalk));
        buildings.addAll(row(scene, +1, roadHalf + sidewalk));
        buildings.sort(Comparator.comparingDouble(Building::z0).reversed());

        paintGround(scene, roadHalf, sidewalk, street);
        paintShadows(scene, buildings);
        for (Building building : buildings) {
            paintBuilding(scene, building);
        }
        List<Prop> props = new ArrayList<>();
        trees(scene, roadHalf, props);
        poles(scene, roadHalf, props);
        cars(scene, roadHalf, props);
        props.sort(Comparator.comparingDouble(Prop::z).reversed());
        props.forEach(p -> p.paint().run());
    }

    private List<Building> row(Scene scene, int side, double curbToLot) {
        StreetCharacter street = scene.street();
        List<Building> row = new ArrayList<>();
        double z = -scene.placeUniform(0, 25);
        while (z < FAR_M) {
            int floors = (int) Math.max(1, Math.round(street.storeys() * Math.exp(scene.place().nextGaussian() * 0.3)));
            double width = Math.min(70, scene.placeUniform(8, 22) * (1 + floors / 12.0));
            if (scene.place().nextDouble() > street.builtFraction()) {
                z += width * scene.placeUniform(0.4, 1.2); // a gap: parking, a lawn, a cross street
                continue;
            }
            double setback = street.setbackM() * scene.placeUniform(0.4, 1.6) / (1 + floors / 8.0);
            Rgb colour = FacadePalette.at(street.palette() + scene.where().paletteShift()
                    + scene.place().nextGaussian() * street.paletteSpread())
                    .times(street.lightness() * scene.placeUniform(0.9, 1.08));
            Rgb sign = scene.place().nextDouble() < street.signage() ? signColour(scene) : null;
            row.add(new Building(side, side * (curbToLot + setback), z, z + width, scene.placeUniform(12, 25), floors,
                    colour, sign));
            z += width + scene.placeUniform(0, 2.5);
        }
        return row;
    }

    private static Rgb signColour(Scene scene) {
        float hue = (float) (scene.street().signHue() + scene.place().nextGaussian() * 0.08);
        int rgb = Color.HSBtoRGB(hue, (float) scene.placeUniform(0.55, 0.95), (float) scene.placeUniform(0.7, 1));
        return Rgb.of(rgb);
    }

    private void paintGround(Scene scene, double roadHalf, double sidewalk, StreetCharacter street) {
        Lighting light = scene.light();
        double shade = light.ground();
        Rgb lot = LAWN.mix(DRY, 1 - street.greenness()).mix(CONCRETE, street.builtFraction() * 0.6).times(shade);
        int horizon = (int) scene.camera().horizonY();
        scene.g().setColor(light.hazed(lot, 150).color());
        scene.g().fillRect(0, horizon, scene.width(), scene.height() - horizon);
        double lotEdge = roadHalf + sidewalk;
        scene.fillGround(light.hazed(lot, 40), -lotEdge - 200, -lotEdge, 0, 2000);
        scene.fillGround(light.hazed(lot, 40), lotEdge, lotEdge + 200, 0, 2000);
        Rgb pavement = light.hazed(SIDEWALK.times(shade), 40);
        scene.fillGround(pavement, -lotEdge, -roadHalf, 0, 2000);
        scene.fillGround(pavement, roadHalf, lotEdge, 0, 2000);
        Rgb asphalt = ASPHALT.mix(WORN_CONCRETE, street.asphalt()).times(shade * scene.placeUniform(0.92, 1.08));
        scene.fillGround(light.hazed(asphalt, 40), -roadHalf, roadHalf, 0, 2000);
        paintMarkings(scene, roadHalf);
        // Haze thickens toward the horizon: fade the far ground into the haze colour.
        float top = (float) scene.camera().horizonY();
        scene.g().setPaint(new GradientPaint(0, top, light.haze().color(0.85), 0, top + scene.height() * 0.12f,
                light.haze().color(0)));
        scene.g().fillRect(0, horizon, scene.width(), (int) (scene.height() * 0.12f) + 2);
    }

    private void paintMarkings(Scene scene, double roadHalf) {
        Lighting light = scene.light();
        if (roadHalf > 7) {
            Rgb yellow = light.hazed(YELLOW_LINE, 60);
            scene.fillGround(yellow, -0.25, -0.1, 0, 600);
            scene.fillGround(yellow, 0.1, 0.25, 0, 600);
        } else {
            dashes(scene, light.hazed(YELLOW_LINE, 50), 0);
        }
        int lanes = (int) Math.max(1, Math.round(roadHalf / 3.6));
        Rgb white = light.hazed(WHITE_LINE, 50);
        for (int k = 1; k < lanes; k++) {
            dashes(scene, white, k * roadHalf / lanes);
            dashes(scene, white, -k * roadHalf / lanes);
        }
    }

    private static void dashes(Scene scene, Rgb colour, double x) {
        double offset = scene.placeUniform(0, 12);
        for (double z = offset; z < 160; z += 12) {
            scene.fillGround(colour, x - 0.08, x + 0.08, z, z + 3);
        }
    }

    /** Shadows of the buildings on the sun's side, cast across the ground, merged so overlaps stay even. */
    private void paintShadows(Scene scene, List<Building> buildings) {
        Lighting light = scene.light();
        double reach = 1 / Math.tan(light.sunElevation());
        Area shade = new Area();
        for (Building b : buildings) {
            if (b.side() * light.sunX() <= 0) {
                continue;
            }
            double length = Math.min(150, b.heightM() * reach);
            double dx = -light.sunX() * length;
            double dz = -light.sunZ() * length;
            Path2D.Float outline = scene.camera().project(
                    new double[] {b.faceX(), b.faceX(), b.faceX() + dx, b.faceX() + dx},
                    new double[] {0, 0, 0, 0},
                    new double[] {b.z0(), b.z1(), b.z1() + dz, b.z0() + dz});
            if (outline != null) {
                shade.add(new Area(outline));
            }
        }
        scene.g().setColor(new Color(0.05f, 0.07f, 0.15f, 0.38f));
        scene.g().fill(shade);
    }

    private void paintBuilding(Scene scene, Building b) {
        Lighting light = scene.light();
        double height = b.heightM();
        double distance = Math.max(0, (b.z0() + b.z1()) / 2);
        Rgb front = light.hazed(b.colour().times(light.face(-b.side(), 0)), distance);
        scene.fillAlongStreet(front, b.faceX(), b.z0(), b.z1(), 0, height);
        paintWindowsAlong(scene, b, distance);
        if (b.sign() != null) {
            double end = b.z0() + (b.z1() - b.z0()) * 0.75;
            scene.fillAlongStreet(light.hazed(GLASS.times(1.3), distance), b.faceX() - b.side() * 0.05,
                    b.z0() + 1, end, 0.3, 2.8);
            scene.fillAlongStreet(light.hazed(b.sign(), distance), b.faceX() - b.side() * 0.1, b.z0() + 1, end, 3.0, 4.1);
        }
        if (b.z0() > 0) {
            Rgb end = light.hazed(b.colour().times(light.face(0, -1)), b.z0());
            scene.fillFacing(end, b.z0(), b.faceX(), b.backX(), 0, height);
            paintWindowsFacing(scene, b);
        }
    }

    /** Windows on the street façade: ribbons of glass on towers, single windows on low buildings. */
    private void paintWindowsAlong(Scene scene, Building b, double distance) {
        if (scene.camera().pixels(1.4, distance) < 0.7) {
            return;
        }
        Rgb glass = scene.light().hazed(GLASS.mix(scene.light().haze(), 0.25), distance);
        int firstFloor = b.sign() != null ? 1 : 0;
        double x = b.faceX() - b.side() * 0.05;
        for (int floor = firstFloor; floor < b.floors(); floor++) {
            double y0 = floor * Building.FLOOR_M + 1.0;
            if (b.floors() > 5) {
                scene.fillAlongStreet(glass, x, b.z0() + 0.6, b.z1() - 0.6, y0, y0 + 1.7);
            } else {
                for (double z = b.z0() + 1.5; z + 1.4 < b.z1() - 1; z += 3.6) {
                    scene.fillAlongStreet(glass, x, z, z + 1.4, y0, y0 + 1.5);
                }
            }
        }
    }

    private void paintWindowsFacing(Scene scene, Building b) {
        if (scene.camera().pixels(1.4, b.z0()) < 0.7) {
            return;
        }
        Rgb glass = scene.light().hazed(GLASS.mix(scene.light().haze(), 0.35), b.z0());
        double z = b.z0() - 0.05;
        double near = b.faceX() + b.side() * 1.2;
        double far = b.backX() - b.side() * 1.2;
        for (int floor = 0; floor < b.floors(); floor++) {
            double y0 = floor * Building.FLOOR_M + 1.0;
            scene.fillFacing(glass, z, near, far, y0, y0 + 1.6);
        }
    }

    private void trees(Scene scene, double roadHalf, List<Prop> props) {
        StreetCharacter street = scene.street();
        if (street.treesPer100m() < 0.4) {
            return;
        }
        double spacing = 100 / street.treesPer100m();
        for (int side = -1; side <= 1; side += 2) {
            double x = side * (roadHalf + 0.9);
            // Trees start a few metres out: one right beside the camera would fill the frame.
            for (double z = 8 + scene.placeUniform(0, spacing); z < 220; z += spacing * scene.placeUniform(0.6, 1.4)) {
                double treeZ = z;
                if (scene.place().nextDouble() < street.palmShare()) {
                    double height = scene.placeUniform(11, 22);
                    long seed = scene.place().nextLong();
                    props.add(new Prop(treeZ, () -> palm(scene, x, treeZ, height, seed)));
                } else {
                    double radius = scene.placeUniform(2.2, 4.5);
                    double tone = scene.placeUniform(0.8, 1.1);
                    props.add(new Prop(treeZ, () -> broadleaf(scene, x, treeZ, radius, tone)));
                }
            }
        }
    }

    private static void palm(Scene scene, double x, double z, double height, long seed) {
        Lighting light = scene.light();
        scene.fillFacing(light.hazed(TRUNK.mix(SIDEWALK, 0.35), z), z, x - 0.22, x + 0.22, 0, height);
        double[] top = scene.camera().project(x, height, z);
        if (top == null) {
            return;
        }
        double reach = scene.camera().pixels(3.8, z);
        float stroke = (float) Math.max(0.8, scene.camera().pixels(0.45, z));
        scene.g().setStroke(new BasicStroke(stroke, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        scene.g().setColor(light.hazed(Rgb.of(0x3E5A2A), z).color());
        java.util.SplittableRandom fronds = new java.util.SplittableRandom(seed);
        for (int i = 0; i < 9; i++) {
            double angle = Math.PI * (i / 8.0) + fronds.nextDouble() * 0.3;
            double dx = Math.cos(angle) * reach;
            double dy = -Math.sin(angle) * reach * 0.5 + reach * 0.35; // fronds droop below the crown
            scene.g().draw(new Line2D.Double(top[0], top[1], top[0] + dx, top[1] + dy));
        }
    }

    private static void broadleaf(Scene scene, double x, double z, double radius, double tone) {
        Lighting light = scene.light();
        scene.fillFacing(light.hazed(TRUNK, z), z, x - 0.18, x + 0.18, 0, 3.2);
        double[] centre = scene.camera().project(x, 3.2 + radius * 0.8, z);
        if (centre == null) {
            return;
        }
        double rx = scene.camera().pixels(radius, z);
        double ry = rx * 0.85;
        Rgb leaves = Rgb.of(0x566B2E).mix(Rgb.of(0x2F6B2A), scene.street().greenness()).times(tone);
        scene.g().setColor(light.hazed(leaves.times(0.8), z).color());
        scene.g().fill(new Ellipse2D.Double(centre[0] - rx, centre[1] - ry, 2 * rx, 2 * ry));
        // The sunlit side of the crown, toward the sun.
        double shift = light.sunX() * rx * 0.3;
        scene.g().setColor(light.hazed(leaves.times(1.15), z).color());
        scene.g().fill(new Ellipse2D.Double(centre[0] - rx * 0.7 + shift, centre[1] - ry * 0.85, 1.4 * rx, 1.3 * ry));
    }

    private void poles(Scene scene, double roadHalf, List<Prop> props) {
        if (scene.street().poles() <= 0 || scene.place().nextDouble() > scene.street().poles()) {
            return;
        }
        int side = scene.place().nextBoolean() ? 1 : -1;
        double x = side * (roadHalf + 0.5);
        double spacing = scene.placeUniform(35, 50);
        double[] previousTop = null;
        for (double z = scene.placeUniform(3, spacing); z < 300; z += spacing) {
            double poleZ = z;
            double[] top = scene.camera().project(x, 10.5, z);
            double[] from = previousTop;
            props.add(new Prop(poleZ, () -> {
                scene.fillFacing(scene.light().hazed(POLE, poleZ), poleZ, x - 0.15, x + 0.15, 0, 10.8);
                scene.fillFacing(scene.light().hazed(POLE, poleZ), poleZ, x - 1.2, x + 1.2, 10.0, 10.25);
                if (from != null && top != null) {
                    scene.g().setStroke(new BasicStroke(0.8f));
                    scene.g().setColor(new Color(0.12f, 0.12f, 0.12f, 0.7f));
                    scene.g().draw(new Line2D.Double(from[0], from[1], top[0], top[1]));
                    scene.g().draw(new Line2D.Double(from[0], from[1] + 2, top[0], top[1] + 1));
                }
            }));
            previousTop = top;
        }
    }

    private void cars(Scene scene, double roadHalf, List<Prop> props) {
        int count = scene.random().nextInt(5);
        for (int i = 0; i < count; i++) {
            int side = scene.random().nextBoolean() ? 1 : -1;
            double x = side * (roadHalf - 1.3);
            double z = scene.uniform(6, 70);
            Rgb body = CAR_COLOURS.get(scene.random().nextInt(CAR_COLOURS.size()));
            props.add(new Prop(z, () -> car(scene, x, z, body)));
        }
    }

    private static void car(Scene scene, double x, double z, Rgb body) {
        Lighting light = scene.light();
        double inner = x - Math.signum(x) * 0.9;
        scene.fillAlongStreet(light.hazed(body.times(light.face(-Math.signum(x), 0)), z), inner, z, z + 4.5, 0.3, 1.0);
        scene.fillAlongStreet(light.hazed(GLASS, z), inner + Math.signum(x) * 0.2, z + 1.0, z + 3.6, 1.0, 1.45);
        scene.fillFacing(light.hazed(Rgb.of(0x1A1A1A), z), z - 0.01, x - 0.85, x + 0.85, 0, 0.35);
        scene.fillFacing(light.hazed(body.times(light.face(0, -1)), z), z, x - 0.9, x + 0.9, 0.3, 1.05);
        scene.fillFacing(light.hazed(GLASS, z), z + 0.8, x - 0.75, x + 0.75, 1.05, 1.45);
    }
}
