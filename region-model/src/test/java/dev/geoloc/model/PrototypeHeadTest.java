package dev.geoloc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

class PrototypeHeadTest {

    @Test
    void logitsAreCosineSimilaritiesToThePrototypesOverTheTemperature() {
        try (NDManager manager = NDManager.newBaseManager(InferenceDevice.ENGINE)) {
            PrototypeHead head = new PrototypeHead(new HeadSpec.Prototype(2, 0.5f), 3);
            head.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
            head.getChildren().get("01projection").getParameters().get("weight").getArray().set(new float[] {1, 0, 0, 1});
            // Prototypes are scaled to unit length: (3, 4) becomes (0.6, 0.8).
            head.setPrototypes(new float[][] {{1, 0}, {0, 2}, {3, 4}});

            NDArray x = manager.create(new float[] {3, 4, -2, 0}, new Shape(2, 2));
            float[] logits = head.forward(new ParameterStore(manager, false), new NDList(x), false)
                    .singletonOrThrow().toFloatArray();

            // x0 = (3, 4) -> unit (0.6, 0.8): dots 0.6, 0.8, 1.0, over 0.5.
            // x1 = (-2, 0) -> unit (-1, 0): dots -1, 0, -0.6, over 0.5.
            assertThat(logits).containsExactly(new float[] {1.2f, 1.6f, 2.0f, -2.0f, 0f, -1.2f}, within(1e-6f));
        }
    }
}
