package dev.geoloc.trainer.collect;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Prints a progress line at most every {@code interval}: the region, its panoramas and lookups, the request
 * rate of this run and an estimate of the time left, from this run's pace of accepting panoramas.
 */
public final class ProgressReporter {

    private final PrintWriter out;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private long startedAt;
    private long lastPrintedAt;
    private int toGo;
    private int doneThisRun;

    public ProgressReporter(PrintWriter out, LongSupplier nanoClock, Duration interval) {
        this.out = out;
        this.nanoClock = nanoClock;
        this.intervalNanos = interval.toNanos();
    }

    /** Starts the clock; {@code panoramasToGo} is what the run has left to accept across all its regions. */
    public void start(int panoramasToGo) {
        startedAt = nanoClock.getAsLong();
        lastPrintedAt = startedAt;
        toGo = panoramasToGo;
        doneThisRun = 0;
    }

    public void panoramaAccepted() {
        doneThisRun++;
    }

    /** Prints the line when the interval has passed, or always when {@code force}. */
    public void report(String region, int accepted, int target, int attempts, long requests, boolean force) {
        long now = nanoClock.getAsLong();
        if (!force && now - lastPrintedAt < intervalNanos) {
            return;
        }
        lastPrintedAt = now;
        double seconds = Math.max(1e-9, (now - startedAt) / 1e9);
        String eta = doneThisRun == 0 ? "?" : format(Duration.ofSeconds(Math.round((toGo - doneThisRun) * seconds / doneThisRun)));
        out.printf(Locale.ROOT, "[%s] %d/%d panoramas, %d lookups | %.1f req/s | ETA %s%n",
                region, accepted, target, attempts, requests / seconds, eta);
        out.flush();
    }

    static String format(Duration d) {
        if (d.toHours() > 0) {
            return d.toHours() + "h" + String.format(Locale.ROOT, "%02dm", d.toMinutesPart());
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m" + String.format(Locale.ROOT, "%02ds", d.toSecondsPart());
        }
        return d.toSeconds() + "s";
    }
}
