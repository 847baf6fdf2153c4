package dev.geoloc.numerics;

import java.nio.file.Path;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;

/**
 * Reads and switches libtorch's process-wide oneDNN flag ({@code at::globalContext().userEnabledMkldnn()},
 * Python's {@code torch.backends.mkldnn.enabled}). DJL does not expose it, so it is called through JNA, which
 * DJL already brings. Unlike {@code ONEDNN_MAX_CPU_ISA}, which oneDNN reads once before its first kernel, the
 * flag takes effect for the next operator at any time, so a process can check a path and then leave it.
 */
final class LibtorchKernels {

    private static final String CONTEXT = "_ZN2at13globalContextEv";
    private static final String ENABLED = "_ZNK2at7Context17userEnabledMkldnnEv";
    private static final String SET_ENABLED = "_ZN2at7Context20setUserEnabledMkldnnEb";

    private LibtorchKernels() {
    }

    /** The path in use; libtorch's default, oneDNN, where the flag cannot be reached. */
    static KernelPath current() {
        try {
            return call(ENABLED, context()) != 0 ? KernelPath.ONEDNN : KernelPath.NATIVE;
        } catch (UnsupportedOperationException e) {
            return KernelPath.ONEDNN;
        }
    }

    /** @return whether the process now computes on {@code path}: false where the flag cannot be reached */
    static boolean tryUse(KernelPath path) {
        try {
            use(path);
            return true;
        } catch (UnsupportedOperationException e) {
            return current() == path;
        }
    }

    static void use(KernelPath path) {
        Pointer context = context();
        function(SET_ENABLED).invokeVoid(new Object[] {context, (byte) (path == KernelPath.ONEDNN ? 1 : 0)});
        if (current() != path) {
            throw new IllegalStateException("libtorch did not take the " + path.setting() + " kernel path");
        }
    }

    private static Pointer context() {
        return function(CONTEXT).invokePointer(new Object[0]);
    }

    private static int call(String symbol, Pointer context) {
        return function(symbol).invokeInt(new Object[] {context}) & 0xff; // a C++ bool
    }

    /** @throws UnsupportedOperationException when this libtorch build does not export the symbol */
    private static Function function(String symbol) {
        Engine.getEngine("PyTorch"); // loads libtorch first
        Path file = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cpu"));
        try {
            return NativeLibrary.getInstance(file.toString()).getFunction(symbol);
        } catch (UnsatisfiedLinkError e) {
            throw new UnsupportedOperationException("cannot reach libtorch's oneDNN switch (" + symbol + " in " + file
                    + "): " + e.getMessage(), e);
        }
    }
}
