package dev.geoloc.trainer.experiment;

import java.time.Duration;
import java.util.Locale;

/**
 * Progress over an experiment's runs, with an estimate of the time left from the runs trained so far in this
 * process: runs skipped because an earlier invocation finished them take no time and do not count.
 */
final class RunClock {

    private final int total;
    private final long start = System.nanoTime();
    private int done;
    private int trained;
    private long trainingNanos;

    RunClock(int total) {
        this.total = total;
    }

    /** Counts a run that an earlier invocation finished. */
    void skipped() {
        done++;
    }

    /** Counts a run trained now, which took {@code nanos}. */
    void trained(long nanos) {
        done++;
        trained++;
        trainingNanos += nanos;
    }

    /** {@code run 7 of 60 (11 %), 12.5 min so far, about 48 min left}. */
    String line(int next) {
        String left = trained == 0 ? "time left unknown until a run finishes"
                : "about " + minutes(Duration.ofNanos(trainingNanos / trained * (total - done))) + " left";
        return String.format(Locale.ROOT, "run %d of %d (%d %% done), %s so far, %s", next, total,
                100 * done / total, minutes(Duration.ofNanos(System.nanoTime() - start)), left);
    }

    double minutes() {
        return (System.nanoTime() - start) / 6e10;
    }

    private static String minutes(Duration duration) {
        return String.format(Locale.ROOT, "%.1f min", duration.toMillis() / 60_000.0);
    }
}
