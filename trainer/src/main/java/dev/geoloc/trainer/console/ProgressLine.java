package dev.geoloc.trainer.console;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The trainer's one progress display: a label, a bar, what is done of the total, the rate and the time left. On a
 * terminal it is redrawn in place at most five times a second; anywhere else (a pipe, a file, {@code kubectl logs})
 * it is a plain line at most every five seconds, since carriage returns garble logs. The last update always shows,
 * and ends its line. Thread-safe: workers may report as they finish.
 */
public final class ProgressLine {

    private static final int WIDTH = 24;
    private static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintWriter out;
    private final String label;
    private final String unit;
    private final int total;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw = start;

    /** @param terminal redraw in place, as on a terminal; otherwise print plain lines */
    public ProgressLine(PrintWriter out, String label, String unit, int total, boolean terminal) {
        this.out = out;
        this.label = label;
        this.unit = unit;
        this.total = Math.max(1, total);
        this.terminal = terminal;
    }

    /** Redrawn in place when this process writes to a terminal. */
    public static ProgressLine of(PrintWriter out, String label, String unit, int total) {
        return new ProgressLine(out, label, unit, total, System.console() != null);
    }

    public synchronized void update(int done) {
        long now = System.nanoTime();
        boolean last = done >= total;
        if (!last && now - lastDraw < (terminal ? TERMINAL_INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
            return;
        }
        lastDraw = now;
        double rate = done / Math.max((now - start) / 1e9, 1e-9);
        int filled = (int) ((long) WIDTH * Math.min(done, total) / total);
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d %s (%.0f%%), %.1f %s/s, ETA %s", label,
                "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, unit, 100.0 * done / total, rate, unit,
                last ? "0s" : duration((total - done) / Math.max(rate, 1e-9)));
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Seconds since the display was made. */
    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
