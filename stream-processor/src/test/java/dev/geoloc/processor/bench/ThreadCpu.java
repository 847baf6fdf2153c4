package dev.geoloc.processor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPU time a process's threads have used, by thread name, from Linux's /proc: a breakdown of where a process
 * spends its cores that needs no agent in it. Java names its threads for the kernel (the first 15 characters), and
 * a native thread (libtorch's OpenMP workers, OpenCV's) inherits the name of the thread that started it. Numbers
 * in names are folded into {@code #}, so a pool's threads add up in one row.
 *
 * @param millisByName      CPU milliseconds (user + system) per thread name
 * @param minorFaultsByName minor page faults per thread name: each first touch of a fresh page costs its thread
 *                          a fault's kernel time, which the CPU figure counts as system time
 */
record ThreadCpu(Map<String, Double> millisByName, Map<String, Long> minorFaultsByName) {

    /** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every architecture Linux ships today. */
    private static final double MILLIS_PER_TICK = 10;

    static ThreadCpu of(long pid) {
        Map<String, Double> millis = new TreeMap<>();
        Map<String, Long> faults = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    // comm is in parentheses and may hold spaces: the fields after it start past the last ')'
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "#");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    millis.merge(name, ticks * MILLIS_PER_TICK, Double::sum);
                    faults.merge(name, Long.parseLong(fields[7]), Long::sum); // minflt
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading: its time is gone with it
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the threads of process " + pid + " (Linux /proc only)", e);
        }
        return new ThreadCpu(millis, faults);
    }

    /** What each thread name used since {@code earlier}; threads that ended in between are not counted. */
    ThreadCpu since(ThreadCpu earlier) {
        Map<String, Double> delta = new TreeMap<>();
        millisByName.forEach((name, ms) -> delta.put(name, ms - earlier.millisByName.getOrDefault(name, 0.0)));
        Map<String, Long> faults = new TreeMap<>();
        minorFaultsByName.forEach((name, n) -> faults.put(name, n - earlier.minorFaultsByName.getOrDefault(name, 0L)));
        return new ThreadCpu(delta, faults);
    }

    double total() {
        return millisByName.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
