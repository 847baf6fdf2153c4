package dev.geoloc.processor.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The processor's hottest frames over one run, from a JDK Flight Recording started and stopped with {@code jcmd}
 * (the JDK's own sampler: nothing to install). Two views, since JFR samples them apart:
 * <ul>
 *   <li>threads running Java code ({@code jdk.ExecutionSample}), by the frame on top and by the first frame of this
 *   project below it (who asked for the work);</li>
 *   <li>threads inside native code ({@code jdk.NativeMethodSample}: libtorch, OpenCV, the network), by the native
 *   method they called. JFR cannot tell a native thread running from one waiting, so the known waits (parking,
 *   sleeping, polling sockets) are left out; what remains is work, or a wait not listed here.</li>
 * </ul>
 */
final class HotFrames {

    private static final String NAME = "geoloc-bench";
    private static final int SHOWN = 12;
    /** Native methods that wait rather than work. */
    private static final Set<String> WAITS = Set.of("jdk.internal.misc.Unsafe.park", "java.lang.Object.wait",
            "java.lang.Object.wait0", "java.lang.Thread.sleep", "java.lang.Thread.sleep0", "sun.nio.ch.EPoll.wait",
            "sun.nio.ch.Net.poll", "sun.nio.ch.SocketDispatcher.read0", "sun.nio.ch.Net.accept",
            "java.lang.ProcessHandleImpl.waitForProcessExit0", "sun.nio.fs.LinuxWatchService.poll",
            "java.io.FileInputStream.readBytes");

    private final long pid;
    private final Path file;

    private HotFrames(long pid, Path file) {
        this.pid = pid;
        this.file = file;
    }

    /** Starts recording the process with the JDK's profiling settings (Java samples every 10 ms, native every 20). */
    static HotFrames start(long pid, Path file) throws IOException, InterruptedException {
        Jcmd.run(pid, "JFR.start", "name=" + NAME, "settings=profile");
        return new HotFrames(pid, file);
    }

    /** Stops the recording, writes it to the file, and prints both views. */
    void stopAndPrint(String who) throws IOException, InterruptedException {
        Jcmd.run(pid, "JFR.stop", "name=" + NAME, "filename=" + file);
        print(file, who);
    }

    /** Prints both views of a recording made before: {@code HotFrames FILE.jfr}. */
    public static void main(String[] args) throws IOException {
        print(Path.of(args[0]), args[0]);
    }

    static void print(Path file, String who) throws IOException {
        Map<String, Integer> javaTop = new HashMap<>();
        Map<String, Integer> javaOurs = new HashMap<>();
        Map<String, Integer> nativeWork = new HashMap<>();
        int javaSamples = 0;
        int nativeSamples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            String type = event.getEventType().getName();
            if (!type.equals("jdk.ExecutionSample") && !type.equals("jdk.NativeMethodSample")
                    || event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            String top = nameOf(frames.get(0));
            String thread = event.getThread("sampledThread") == null ? "?" : String.valueOf(event.getThread("sampledThread")
                    .getJavaName());
            String threadGroup = thread.replaceAll("[-#]?\\d+$", "");
            if (type.equals("jdk.ExecutionSample")) {
                javaSamples++;
                javaTop.merge(top + "  [" + threadGroup + "]", 1, Integer::sum);
                frames.stream().map(HotFrames::nameOf).filter(name -> name.startsWith("dev.geoloc.")).findFirst()
                        .ifPresent(ours -> javaOurs.merge(ours, 1, Integer::sum));
            } else if (!WAITS.contains(top)) {
                nativeSamples++;
                nativeWork.merge(top + "  [" + threadGroup + "]", 1, Integer::sum);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Hot frames of %s over the run (JFR, %s):%n", who, file);
        print("Java code running, by top frame [thread]", javaTop, javaSamples);
        print("Java code running, by the first frame of this project below it", javaOurs, javaSamples);
        print("Native code, known waits left out, by native method [thread]", nativeWork, nativeSamples);
    }

    private static void print(String title, Map<String, Integer> counts, int samples) {
        System.out.printf(Locale.ROOT, "| %s (%d samples) | Share |%n|---|---:|%n", title, samples);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .limit(SHOWN)
                .forEach(entry -> System.out.printf(Locale.ROOT, "| `%s` | %.1f %% |%n", entry.getKey(),
                        100.0 * entry.getValue() / Math.max(1, samples)));
    }

    private static String nameOf(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
