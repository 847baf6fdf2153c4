package dev.geoloc.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.inference.Predictor;
import ai.djl.translate.NoopTranslator;

import dev.geoloc.imaging.ResizePolicy;
import dev.geoloc.numerics.EngineSelfCheck;

/**
 * The committed TorchScript encoders load in this libtorch and compute what Python computed at export, on the
 * kernel path the test JVM's self-check chose.
 */
class EncoderContractTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-cnn", "tiny-vit"})
    void builtInEncoderReproducesItsProbeOutputs(String name) throws Exception {
        EncoderContract contract = EncoderContract.builtIn(name);
        Path file = EncoderContract.copyBuiltIn(name, dir.resolve(name + ".pt"));
        int size = contract.preprocessing().inputSize();
        float[] input = EncoderContract.probeInput(2, size);

        try (ZooModel<NDList, NDList> model = Criteria.builder().setTypes(NDList.class, NDList.class)
                .optModelPath(file).optEngine(InferenceDevice.ENGINE).optTranslator(new NoopTranslator())
                .build().loadModel();
             Predictor<NDList, NDList> predictor = model.newPredictor()) {
            NDList output = predictor.predict(new NDList(model.getNDManager()
                    .create(FloatBuffer.wrap(input), new Shape(2, 3, size, size))));
            float[] actual = output.singletonOrThrow().toFloatArray();

            assertThat(output.singletonOrThrow().getShape()).isEqualTo(new Shape(2, contract.embeddingDim()));
            assertThat(EngineSelfCheck.relativeDifference(actual, contract.probeOutput()))
                    .as("largest difference relative to the largest saved output").isLessThanOrEqualTo(EngineSelfCheck.TOLERANCE);
        }
    }

    @Test
    void builtInContractsDescribeTheirInput() {
        EncoderContract cnn = EncoderContract.builtIn("tiny-cnn");

        assertThat(cnn.embeddingDim()).isEqualTo(128);
        assertThat(cnn.preprocessing().inputSize()).isEqualTo(64);
        assertThat(cnn.preprocessing().resize()).isEqualTo(ResizePolicy.CENTER_CROP);
        assertThat(EncoderContract.builtIn("tiny-vit").embeddingDim()).isEqualTo(64);
    }

    @Test
    void unknownBuiltInNamesListTheChoices() {
        assertThatThrownBy(() -> EncoderContract.builtIn("dinov2-vitb14"))
                .hasMessageContaining("No built-in encoder 'dinov2-vitb14'").hasMessageContaining("tiny-cnn, tiny-vit");
    }
}
