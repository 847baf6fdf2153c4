package dev.geoloc.imaging;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The anonymous memory this JVM has resident outside its Java heap: what libtorch, OpenCV, glibc's malloc and the
 * JVM's own native structures hold. Neither VmRSS nor VmRSS less the committed heap measures that: heap pages already
 * committed are counted only once touched, and file-backed pages of libtorch's 500 MB of shared objects come and
 * go with the machine's page cache. So this sums the {@code Anonymous:} lines of {@code /proc/self/smaps} for the
 * mappings outside the heap's reserved range, which the JVM itself reports through {@code GC.heap_info}.
 */
public final class NativeMemory {

    private static final Pattern ADDRESS = Pattern.compile("0x([0-9a-f]+)");
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) .*");

    private NativeMemory() {
    }

    /**
     * Resident anonymous KiB outside the Java heap. It forces no collection: native memory that only a collection
     * frees (a Mat or a Model never closed, finalised late) is what the callers look for.
     */
    public static long anonymousOutsideHeapKib() throws IOException, JMException {
        long[] heap = heapRange();
        long total = 0;
        boolean outside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            Matcher mapping = MAPPING.matcher(line);
            if (mapping.matches()) {
                long start = Long.parseUnsignedLong(mapping.group(1), 16);
                long end = Long.parseUnsignedLong(mapping.group(2), 16);
                outside = end <= heap[0] || start >= heap[1];
            } else if (outside && line.startsWith("Anonymous:")) {
                total += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return total;
    }

    /**
     * {@link #anonymousOutsideHeapKib} less what the JVM's direct buffers hold: the native memory no Java object
     * accounts for. A direct buffer nobody references is freed only when a collection finds it, which may be many
     * swaps later (DJL reads a model's parameters through them); native memory that a closed model's tensors or an
     * unclosed one's still hold counts here, and only that.
     */
    public static long untrackedNativeKib() throws IOException, JMException {
        return anonymousOutsideHeapKib() - directBufferKib();
    }

    /** The direct buffers' memory, KiB: what {@link #untrackedNativeKib} leaves out. */
    public static long directBufferKib() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum() / 1024;
    }

    /** The whole process's resident set (VmRSS), KiB: the heap's touched pages and mapped files included. */
    public static long residentKib() throws IOException {
        return statusKib("VmRSS:");
    }

    /**
     * Sets the process's peak resident set (VmHWM) back to its current size, so that {@link #peakResidentKib} tells
     * the peak of what follows: a decoder's buffer that is filled and freed within one call shows there and nowhere
     * else. Linux 4.0 and later.
     */
    public static void resetPeak() throws IOException {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    }

    /** The process's peak resident set (VmHWM) since it started or since {@link #resetPeak}, KiB. */
    public static long peakResidentKib() throws IOException {
        return statusKib("VmHWM:");
    }

    private static long statusKib(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith(field))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }

    /** The heap's reserved [start, end): the lowest and highest addresses GC.heap_info names before Metaspace. */
    private static long[] heapRange() throws JMException {
        String info = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
                new Object[] {null}, new String[] {String[].class.getName()});
        long low = Long.MAX_VALUE;
        long high = 0;
        for (String line : List.of(info.split("\n"))) {
            if (line.contains("Metaspace") || line.contains("class space")) {
                break;
            }
            Matcher address = ADDRESS.matcher(line);
            while (address.find()) {
                long value = Long.parseUnsignedLong(address.group(1), 16);
                low = Math.min(low, value);
                high = Math.max(high, value);
            }
        }
        if (high == 0) {
            throw new IllegalStateException("GC.heap_info named no heap range: " + info);
        }
        return new long[] {low, high};
    }
}
