package dev.geoloc.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the whole model (encoder and head) gave on the probe batch when its bundle was written: the bundle's
 * numerics reference, in {@code bundle.json} under {@code numerics}. A loader runs the same batch and compares,
 * so a runtime that computes the model wrong is caught before it serves a prediction.
 *
 * <pre>{"probe": {"input": "x[b,c,h,w] = sin(0.37 b + 1.3 c + 0.05 h - 0.07 w)", "batch": 4, "input_size": 64},
 *  "logits": [[..15], ..4], "probabilities": [[..15], ..4],
 *  "tolerance": 0.001, "computed_on": "AMD EPYC (...); kernel path native (...); 2 threads; libtorch 2.5.1"}</pre>
 *
 * @param batch         images in the probe batch ({@link EncoderContract#probeInput})
 * @param inputSize     their side in pixels, the bundle's input size
 * @param logits        [batch][regions]
 * @param probabilities [batch][regions]
 * @param tolerance     the largest {@link #difference} that passes
 * @param computedOn    the CPU, kernel path, threads and libtorch that computed the reference
 */
public record ReferenceOutputs(int batch, int inputSize, float[][] logits, float[][] probabilities, double tolerance,
                               String computedOn) {

    /** The probe batch's size: enough images to exercise batched kernels, few enough to cost milliseconds. */
    public static final int PROBE_BATCH = 4;
    /**
     * The tolerance written into new bundles. Right runtimes differ by at most 3e-6 (1 or 2 threads, oneDNN-AVX2
     * or native kernels, here); oneDNN's broken AVX-512 convolutions differ by 0.05 and more. See docs/numerics.md.
     */
    public static final double DEFAULT_TOLERANCE = 1e-3;
    /**
     * The least tolerance a check on a GPU applies: libtorch lets cuDNN convolve in TF32 by default, about three
     * decimal digits. Unmeasured: no GPU was at hand (docs/numerics.md).
     */
    public static final double GPU_TOLERANCE = 1e-2;
    static final String PROBE_FORMULA = "x[b,c,h,w] = sin(0.37 b + 1.3 c + 0.05 h - 0.07 w)";

    /**
     * How far another run's outputs are from these: the larger of the logits' largest difference relative to the
     * largest reference logit, and the probabilities' largest absolute difference. NaN when an output is not finite.
     */
    public double difference(float[][] otherLogits, float[][] otherProbabilities) {
        double logitScale = 0;
        double logitWorst = 0;
        double probabilityWorst = 0;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < logits[b].length; j++) {
                if (!Float.isFinite(otherLogits[b][j]) || !Float.isFinite(otherProbabilities[b][j])) {
                    return Double.NaN;
                }
                logitScale = Math.max(logitScale, Math.abs(logits[b][j]));
                logitWorst = Math.max(logitWorst, Math.abs(otherLogits[b][j] - logits[b][j]));
                probabilityWorst = Math.max(probabilityWorst, Math.abs(otherProbabilities[b][j] - probabilities[b][j]));
            }
        }
        return Math.max(logitScale == 0 ? logitWorst : logitWorst / logitScale, probabilityWorst);
    }

    /** Equal values, not equal arrays: a reference read back from JSON equals the one written. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ReferenceOutputs r && batch == r.batch && inputSize == r.inputSize
                && java.util.Arrays.deepEquals(logits, r.logits) && java.util.Arrays.deepEquals(probabilities, r.probabilities)
                && Double.compare(tolerance, r.tolerance) == 0 && computedOn.equals(r.computedOn);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(batch, inputSize, java.util.Arrays.deepHashCode(logits),
                java.util.Arrays.deepHashCode(probabilities), tolerance, computedOn);
    }

    @Override
    public String toString() {
        return "ReferenceOutputs[batch=" + batch + ", inputSize=" + inputSize + ", logits="
                + java.util.Arrays.deepToString(logits) + ", tolerance=" + tolerance + ", computedOn=" + computedOn + "]";
    }

    ObjectNode toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.putObject("probe").put("input", PROBE_FORMULA).put("batch", batch).put("input_size", inputSize);
        root.set("logits", matrix(logits));
        root.set("probabilities", matrix(probabilities));
        root.put("tolerance", tolerance);
        root.put("computed_on", computedOn);
        return root;
    }

    /** Parses {@code numerics}; problems are added to {@code json} and null returned. */
    static ReferenceOutputs parse(JsonNode node, int regions, Json json) {
        if (!node.isObject()) {
            json.problems().add("numerics: must be an object");
            return null;
        }
        JsonNode probe = node.path("probe");
        String formula = json.text(probe.get("input"), "numerics.probe.input");
        if (formula != null && !formula.equals(PROBE_FORMULA)) {
            json.problems().add("numerics.probe.input: '" + formula + "' is not the probe this version computes ("
                    + PROBE_FORMULA + ")");
        }
        Integer batch = json.positiveInt(probe.get("batch"), "numerics.probe.batch");
        Integer size = json.positiveInt(probe.get("input_size"), "numerics.probe.input_size");
        Double tolerance = json.number(node.get("tolerance"), "numerics.tolerance");
        if (tolerance != null && !(tolerance > 0)) {
            json.problems().add("numerics.tolerance: " + tolerance + " must be positive");
        }
        String computedOn = node.path("computed_on").asText("unknown");
        if (batch == null || size == null || tolerance == null || formula == null) {
            return null;
        }
        float[][] logits = matrix(node.get("logits"), "numerics.logits", batch, regions, json);
        float[][] probabilities = matrix(node.get("probabilities"), "numerics.probabilities", batch, regions, json);
        return logits == null || probabilities == null || !json.problems().isEmpty() ? null
                : new ReferenceOutputs(batch, size, logits, probabilities, tolerance, computedOn);
    }

    private static ArrayNode matrix(float[][] rows) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (float[] row : rows) {
            ArrayNode values = array.addArray();
            for (float value : row) {
                values.add(value);
            }
        }
        return array;
    }

    private static float[][] matrix(JsonNode node, String path, int rows, int columns, Json json) {
        if (node == null || !node.isArray() || node.size() != rows) {
            json.problems().add(path + ": missing (" + rows + " rows of " + columns + " numbers)");
            return null;
        }
        float[][] values = new float[rows][];
        for (int b = 0; b < rows; b++) {
            values[b] = json.floats(node.get(b), path + "[" + b + "]", columns);
            if (values[b] == null) {
                return null;
            }
        }
        return values;
    }
}
