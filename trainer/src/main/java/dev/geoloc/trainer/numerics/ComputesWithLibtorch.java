package dev.geoloc.trainer.numerics;

/**
 * Marks a command that computes with libtorch: before it runs, {@link NumericsGate} checks the process's numerics
 * and prints the verdict as the command's first lines.
 */
public interface ComputesWithLibtorch {
}
