package dev.geoloc.trainer.evaluation;

import java.io.PrintWriter;
import java.util.Locale;

/** Rewrites one console line at most twice a second: images done, rate and time left. */
final class ProgressLine {

    private static final long INTERVAL_NANOS = 500_000_000L;

    private final PrintWriter out;
    private final int total;
    private final long start = System.nanoTime();
    private long lastPrint = start;

    ProgressLine(PrintWriter out, int total) {
        this.out = out;
        this.total = total;
    }

    void update(int done) {
        long now = System.nanoTime();
        if (done < total && now - lastPrint < INTERVAL_NANOS) {
            return;
        }
        lastPrint = now;
        double rate = done / Math.max((now - start) / 1e9, 1e-9);
        out.printf(Locale.ROOT, "\r%d/%d images (%.0f%%), %.1f images/s, ETA %.0f s   ", done, total,
                100.0 * done / total, rate, (total - done) / Math.max(rate, 1e-9));
        if (done == total) {
            out.println();
        }
        out.flush();
    }

    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
