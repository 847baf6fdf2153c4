package dev.geoloc.processor.versions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.logging.Logger;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Lowers the follower thread's CPU priority (Linux nice 10). It loads, checks and warms models up on the same cores
 * the inference thread needs; at equal priority a swap takes a second's worth of a core from live traffic (a 30 %
 * dip measured on 2 cores). The threads libtorch starts for it inherit the priority, so the load yields to inference
 * and takes longer instead. Elsewhere, or where it is refused, nothing changes but a line in the log.
 */
final class LoadPriority {

    private static final Logger LOG = Logger.getLogger(LoadPriority.class);
    private static final int NICE = 10;
    private static final int PRIO_PROCESS = 0;

    /** The C library's {@code setpriority}, which on Linux takes a thread id for {@code PRIO_PROCESS}. */
    private interface CLibrary extends Library {
        int setpriority(int which, int who, int priority);
    }

    private LoadPriority() {
    }

    /** Lowers the calling thread's priority. */
    static void lowerForThisThread() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return;
        }
        try {
            String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // <pid>/task/<tid>
            int tid = Integer.parseInt(self.substring(self.lastIndexOf('/') + 1));
            if (Native.load("c", CLibrary.class).setpriority(PRIO_PROCESS, tid, NICE) != 0) {
                LOG.infof("Could not lower the priority of thread %d for loading models; loads compete with inference", tid);
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.infof("Could not lower the priority of the thread loading models (%s); loads compete with inference", e);
        }
    }
}
