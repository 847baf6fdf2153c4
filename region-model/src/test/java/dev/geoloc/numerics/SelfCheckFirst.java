package dev.geoloc.numerics;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Runs the process's numerics self-check before the first test, as the trainer and the processor do before they
 * load a model, so a test JVM computes on the kernel path a deployed process would: tests that call DJL directly
 * would otherwise run on libtorch's default path, unchecked. Registered for every module whose tests use this
 * test jar; prints its verdict once.
 */
public final class SelfCheckFirst implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        EngineSelfCheck.ensure().lines().forEach(System.err::println);
    }
}
