package dev.geoloc.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.geoloc.imaging.Preprocessing;

/**
 * What an exported encoder promises: TorchScript taking float32 [B, 3, S, S] (RGB normalised as
 * {@code preprocessing} says) and returning float32 [B, embeddingDim]. Exports of DINOv2 and CLIP, and the
 * project's own small encoders, each come as {@code <name>.pt} beside {@code <name>.json}:
 *
 * <pre>{"name": "tiny-cnn", "format": "torchscript", "description": "...", "embedding_dim": 128,
 *  "preprocessing": {"input_size": 64, "mean": [..3], "std": [..3], "resize": "center_crop"},
 *  "probe": {"batch": 2, "output": [[...], [...]]}}</pre>
 *
 * The optional probe holds the encoder's outputs for a batch built from a formula (see
 * {@link #probeInput}), so a loaded file can be checked against the numbers its exporter saw.
 */
public record EncoderContract(String name, String description, int embeddingDim, Preprocessing preprocessing,
                              float[][] probeOutput) {

    /** The encoders shipped inside this library: random weights from a fixed seed, for CPU and tests. */
    public static final List<String> BUILT_IN = List.of("tiny-cnn", "tiny-vit");
    private static final String BUILT_IN_FOLDER = "/dev/geoloc/model/encoders/";

    public static EncoderContract read(Path json) throws IOException {
        return parse(Files.readString(json), json.toString());
    }

    public static EncoderContract builtIn(String name) {
        requireBuiltIn(name);
        try (InputStream in = EncoderContract.class.getResourceAsStream(BUILT_IN_FOLDER + name + ".json")) {
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a built-in encoder's TorchScript file to {@code target}. */
    public static Path copyBuiltIn(String name, Path target) throws IOException {
        requireBuiltIn(name);
        try (InputStream in = EncoderContract.class.getResourceAsStream(BUILT_IN_FOLDER + name + ".pt")) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /**
     * The probe batch: x[b, c, h, w] = sin(0.37 b + 1.3 c + 0.05 h - 0.07 w), the same formula as
     * {@code scripts/export_tiny_encoders.py}.
     */
    public static float[] probeInput(int batch, int size) {
        float[] x = new float[batch * 3 * size * size];
        int i = 0;
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < size; h++) {
                    for (int w = 0; w < size; w++) {
                        x[i++] = (float) Math.sin(0.37 * b + 1.3 * c + 0.05 * h - 0.07 * w);
                    }
                }
            }
        }
        return x;
    }

    static EncoderContract parse(String text, String source) throws IOException {
        JsonNode root = Json.MAPPER.readTree(text);
        Json json = new Json();
        String name = json.text(root.get("name"), "name");
        String format = json.text(root.get("format"), "format");
        if (format != null && !format.equals("torchscript")) {
            json.problems().add("format: '" + format + "' is not supported (only torchscript)");
        }
        Integer dim = json.positiveInt(root.get("embedding_dim"), "embedding_dim");
        Preprocessing preprocessing = json.preprocessing(root.get("preprocessing"), "preprocessing");
        float[][] probe = null;
        JsonNode probeNode = root.path("probe").path("output");
        if (probeNode.isArray() && dim != null) {
            probe = new float[probeNode.size()][];
            for (int b = 0; b < probe.length; b++) {
                probe[b] = json.floats(probeNode.get(b), "probe.output[" + b + "]", dim);
            }
        }
        if (!json.problems().isEmpty()) {
            throw new BundleException("encoder contract " + source, json.problems());
        }
        return new EncoderContract(name, root.path("description").asText(""), dim, preprocessing, probe);
    }

    private static void requireBuiltIn(String name) {
        if (!BUILT_IN.contains(name)) {
            throw new IllegalArgumentException("No built-in encoder '" + name + "': choose one of " + BUILT_IN
                    + " or give an exported TorchScript file");
        }
    }
}
