package dev.geoloc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

class InferenceDeviceTest {

    @Test
    void thePinnedLibtorchLoadsOfflineFromTheMavenJarAndComputes() {
        Engine engine = Engine.getEngine(InferenceDevice.ENGINE);

        assertThat(engine.getVersion()).isEqualTo(System.getProperty("geoloc.expected.pytorch.version"));
        try (NDManager manager = NDManager.newBaseManager(InferenceDevice.select("cpu"), InferenceDevice.ENGINE)) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            assertThat(a.matMul(a).toFloatArray()).containsExactly(7, 10, 15, 22);
        }
    }

    @Test
    void readsEachFormOfTheSetting() {
        assertThat(InferenceDevice.select("cpu")).isEqualTo(Device.cpu());
        assertThat(InferenceDevice.select(" CPU ")).isEqualTo(Device.cpu());
        Device auto = InferenceDevice.select("auto");
        assertThat(auto).isEqualTo(Engine.getEngine(InferenceDevice.ENGINE).getGpuCount() > 0
                ? Device.gpu(0) : Device.cpu());
    }

    @Test
    void refusesUnknownSettings() {
        assertThatThrownBy(() -> InferenceDevice.select("tpu"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto, cpu, gpu or gpu:N");
        assertThatThrownBy(() -> InferenceDevice.select("gpu:-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 or more");
    }

    @Test
    void aGpuThatPyTorchCannotSeeIsAClearError() {
        int gpus = Engine.getEngine(InferenceDevice.ENGINE).getGpuCount();
        assumeTrue(gpus == 0, "this machine has a GPU");

        assertThatThrownBy(() -> InferenceDevice.select("gpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sees 0 GPU(s)")
                .hasMessageContaining("-Pgpu");
    }
}
