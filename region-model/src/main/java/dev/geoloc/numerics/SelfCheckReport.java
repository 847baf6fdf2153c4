package dev.geoloc.numerics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a process's numerics self-check found: the CPU, the kernel path it now computes with, how each built-in
 * encoder's probe came out on it, and, when {@code auto} left libtorch's default path, the probes that made it.
 *
 * @param rejected the probes of the path that {@code auto} left; empty when it stayed on the first
 */
public record SelfCheckReport(CpuDescription cpu, KernelChoice choice, KernelPath path, List<ProbeResult> probes,
                              List<ProbeResult> rejected) {

    public SelfCheckReport {
        probes = List.copyOf(probes);
        rejected = List.copyOf(rejected);
    }

    public boolean passed() {
        return !probes.isEmpty() && probes.stream().allMatch(ProbeResult::passed);
    }

    /** The largest relative difference of the path in use. */
    public double maxDifference() {
        return probes.stream().mapToDouble(ProbeResult::maxDifference).reduce(0, (a, b) -> Double.isNaN(a) || Double.isNaN(b)
                ? Double.NaN : Math.max(a, b));
    }

    /** One line: {@code numerics self-check passed on CPU ...: kernel path ...}. */
    public String summary() {
        return "numerics self-check " + (passed() ? "passed" : "FAILED") + " on " + cpu + ": kernel path "
                + path.describe() + (rejected.isEmpty() ? "" : ", chosen because oneDNN computed the probes wrong")
                + "; largest relative difference " + String.format(java.util.Locale.ROOT, "%.2g", maxDifference());
    }

    /** The summary, each probe, and on failure what to do. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(summary());
        rejected.forEach(p -> lines.add("  left onednn: " + p));
        probes.forEach(p -> lines.add("  " + path.setting() + ": " + p));
        fix().ifPresent(fix -> lines.add("  " + fix));
        return lines;
    }

    /** What a person can do when the check failed. */
    public Optional<String> fix() {
        if (passed()) {
            return Optional.empty();
        }
        return Optional.of("libtorch computes wrong results on this CPU with the " + path.setting() + " kernel path (choice "
                + choice.setting() + "): " + EngineSelfCheck.remedy());
    }
}
