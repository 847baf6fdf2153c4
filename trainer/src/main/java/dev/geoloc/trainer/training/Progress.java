package dev.geoloc.trainer.training;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar with rate and ETA, redrawn in place on a terminal and at most every few seconds
 * otherwise (so logs of Kubernetes Jobs stay readable).
 */
final class Progress {

    private static final int WIDTH = 24;

    private final PrintStream out;
    private final String label;
    private final String unit;
    private final int total;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;

    Progress(PrintStream out, String label, String unit, int total) {
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.total = Math.max(1, total);
        this.terminal = System.console() != null;
    }

    void step(int done) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (!last && now - lastDraw < (terminal ? 200_000_000L : 5_000_000_000L)) {
            return;
        }
        lastDraw = now;
        double seconds = (now - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        int filled = (int) ((long) WIDTH * done / total);
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d %s, %.1f %s/s, ETA %s", label,
                "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, unit, rate, unit,
                last ? "0s" : duration((total - done) / Math.max(rate, 1e-9)));
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
