package dev.geoloc.model;

import java.util.Locale;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * The device that runs the model, chosen by a setting: {@code auto} (the first GPU when PyTorch sees one,
 * else the CPU), {@code cpu}, {@code gpu} (the first GPU) or {@code gpu:N}.
 */
public final class InferenceDevice {

    public static final String ENGINE = "PyTorch";

    private InferenceDevice() {
    }

    /**
     * @throws IllegalArgumentException for a setting of another form, or a GPU that PyTorch cannot see
     */
    public static Device select(String setting) {
        String value = setting.trim().toLowerCase(Locale.ROOT);
        if (value.equals("cpu")) {
            return Device.cpu();
        }
        if (value.equals("auto")) {
            return gpuCount() > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (value.equals("gpu") || value.startsWith("gpu:")) {
            int index = value.equals("gpu") ? 0 : parseIndex(setting, value.substring(4));
            int gpus = gpuCount();
            if (index >= gpus) {
                throw new IllegalArgumentException("Device '" + setting + "' asks for GPU " + index + " but PyTorch "
                        + Engine.getEngine(ENGINE).getVersion() + " sees " + gpus + " GPU(s). GPUs need the CUDA "
                        + "natives (build with -Pgpu) and an NVIDIA driver; use 'auto' to fall back to the CPU.");
            }
            return Device.gpu(index);
        }
        throw new IllegalArgumentException("Unknown device '" + setting + "': use auto, cpu, gpu or gpu:N");
    }

    /** The device as a setting names it: {@code cpu} or {@code gpu:N}. */
    public static String name(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }

    private static int parseIndex(String setting, String index) {
        try {
            int value = Integer.parseInt(index);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("Unknown device '" + setting + "': the GPU index must be 0 or more");
    }

    private static int gpuCount() {
        return Engine.getEngine(ENGINE).getGpuCount();
    }
}
