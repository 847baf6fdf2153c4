package dev.geoloc.numerics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The processor a self-check ran on, as a person needs it in an error message or a health detail: vendor,
 * model name, family and model numbers, and the vector extensions that decide which kernels libtorch picks.
 *
 * @param vendor     e.g. {@code AuthenticAMD}; the JVM's {@code os.arch} where {@code /proc/cpuinfo} is missing
 * @param modelName  e.g. {@code AMD EPYC}
 * @param family     the CPUID family, -1 when unknown
 * @param model      the CPUID model, -1 when unknown
 * @param extensions the vector extensions of note present, widest first (AMX, AVX-512, AVX2, ...)
 * @param cores      the processors this JVM may use
 */
public record CpuDescription(String vendor, String modelName, int family, int model, List<String> extensions,
                             int cores) {

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    public CpuDescription {
        extensions = List.copyOf(extensions);
    }

    public static CpuDescription current() {
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            if (Files.isReadable(CPUINFO)) {
                return parse(Files.readAllLines(CPUINFO), cores);
            }
        } catch (IOException | RuntimeException e) {
            // fall through: what the JVM knows is still worth reporting
        }
        return new CpuDescription(System.getProperty("os.arch"), "unknown", -1, -1, List.of(), cores);
    }

    /** Reads the first processor's block of {@code /proc/cpuinfo}; all cores of a machine are alike. */
    static CpuDescription parse(List<String> cpuinfo, int cores) {
        String vendor = "unknown";
        String name = "unknown";
        int family = -1;
        int model = -1;
        Set<String> flags = Set.of();
        for (String line : cpuinfo) {
            if (line.isBlank()) {
                if (!flags.isEmpty()) {
                    break;
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "vendor_id" -> vendor = value;
                case "model name" -> name = value;
                case "cpu family" -> family = parseInt(value);
                case "model" -> model = parseInt(value);
                case "flags" -> flags = Set.of(value.toLowerCase(Locale.ROOT).split("\\s+"));
                default -> { }
            }
        }
        List<String> extensions = new ArrayList<>();
        if (flags.contains("amx_tile")) {
            extensions.add("AMX");
        }
        if (flags.contains("avx512f")) {
            extensions.add("AVX-512");
        }
        if (flags.contains("avx2")) {
            extensions.add("AVX2");
        }
        return new CpuDescription(vendor, name, family, model, extensions, cores);
    }

    private static int parseInt(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whether this is a CPU known to compute wrong with oneDNN's kernels above AVX2: AMD family 26 (Zen 5) with
     * AVX-512, under oneDNN 3.5 (libtorch 2.5.1 and 2.7.1). See docs/numerics.md.
     */
    public boolean oneDnnWrongAboveAvx2() {
        return vendor.equals("AuthenticAMD") && family == 26 && extensions.contains("AVX-512");
    }

    /** e.g. {@code AMD EPYC (AuthenticAMD family 26 model 2; AVX-512, AVX2; 2 cores)}. */
    @Override
    public String toString() {
        return modelName + " (" + vendor + (family >= 0 ? " family " + family + " model " + model : "")
                + (extensions.isEmpty() ? "" : "; " + String.join(", ", extensions)) + "; " + cores + " cores)";
    }
}
