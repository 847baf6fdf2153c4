package dev.geoloc.dataset.synth;

import java.awt.geom.Path2D;

/**
 * A pinhole camera standing in a street. Street coordinates, in metres: x to the right across the
 * street (0 on its centre line), y up from the ground, z ahead along the street. The camera sits at
 * ({@code offsetM}, {@code heightM}, 0), turned {@code yawDeg} off the street's axis, with a 90° field of
 * view like Street View's default.
 */
final class Camera {

    private static final double NEAR_M = 0.3;

    private final double focal;
    private final double centreX;
    private final double horizonY;
    private final double offsetM;
    private final double heightM;
    private final double cosYaw;
    private final double sinYaw;

    Camera(int width, double horizonY, double offsetM, double heightM, double yawDeg) {
        this.focal = width / 2.0;
        this.centreX = width / 2.0;
        this.horizonY = horizonY;
        this.offsetM = offsetM;
        this.heightM = heightM;
        this.cosYaw = Math.cos(Math.toRadians(yawDeg));
        this.sinYaw = Math.sin(Math.toRadians(yawDeg));
    }

    double focal() {
        return focal;
    }

    double horizonY() {
        return horizonY;
    }

    /** Screen x of the direction {@code angleDeg} right of the street's axis, at infinity. */
    double screenX(double angleDeg) {
        double a = Math.toRadians(angleDeg);
        double x = Math.sin(a);
        double z = Math.cos(a);
        return centreX + focal * (x * cosYaw - z * sinYaw) / (x * sinYaw + z * cosYaw);
    }

    /** Pixels a length of {@code metres} spans, seen face-on at distance {@code zM}. */
    double pixels(double metres, double zM) {
        return focal * metres / Math.max(NEAR_M, zM);
    }

    /**
     * The screen outline of a flat polygon given by its corners in street coordinates, clipped to the
     * part in front of the camera; null when nothing of it is.
     */
    Path2D.Float project(double[] xs, double[] ys, double[] zs) {
        int n = xs.length;
        double[] cx = new double[n];
        double[] cz = new double[n];
        for (int i = 0; i < n; i++) {
            double dx = xs[i] - offsetM;
            cx[i] = dx * cosYaw - zs[i] * sinYaw;
            cz[i] = dx * sinYaw + zs[i] * cosYaw;
        }
        Path2D.Float path = new Path2D.Float();
        boolean started = false;
        // Sutherland-Hodgman against the near plane: keep inside corners, add the crossings of each edge.
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            boolean inI = cz[i] >= NEAR_M;
            boolean inJ = cz[j] >= NEAR_M;
            if (inI) {
                started = addPoint(path, started, cx[i], ys[i], cz[i]);
            }
            if (inI != inJ) {
                double t = (NEAR_M - cz[i]) / (cz[j] - cz[i]);
                started = addPoint(path, started, cx[i] + t * (cx[j] - cx[i]), ys[i] + t * (ys[j] - ys[i]), NEAR_M);
            }
        }
        if (!started) {
            return null;
        }
        path.closePath();
        return path;
    }

    /** Screen position of a point in front of the camera, or null behind it. */
    double[] project(double x, double y, double z) {
        double dx = x - offsetM;
        double cx = dx * cosYaw - z * sinYaw;
        double cz = dx * sinYaw + z * cosYaw;
        if (cz < NEAR_M) {
            return null;
        }
        return new double[] {centreX + focal * cx / cz, horizonY - focal * (y - heightM) / cz};
    }

    private boolean addPoint(Path2D.Float path, boolean started, double cx, double y, double cz) {
        float sx = (float) (centreX + focal * cx / cz);
        float sy = (float) (horizonY - focal * (y - heightM) / cz);
        if (started) {
            path.lineTo(sx, sy);
        } else {
            path.moveTo(sx, sy);
        }
        return true;
    }
}
