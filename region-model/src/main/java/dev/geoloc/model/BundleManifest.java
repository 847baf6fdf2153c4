package dev.geoloc.model;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.geoloc.imaging.Preprocessing;

/**
 * {@code bundle.json}: what a model bundle holds and how to run it.
 *
 * <pre>{"format": "geoloc-model-bundle/1", "model_name": "la-street", "created": "2026-11-25T10:00:00Z",
 *  "labels": ["downtown_la", ...],
 *  "catalog": {"hash": "sha256 of the catalog's ids and boxes"},
 *  "encoder": {"name": "tiny-cnn", "format": "torchscript", "embedding_dim": 128, "precision": "fp32"},
 *  "head": {"type": "classifier", "hidden_dim": 256, "dropout": 0.1}
 *       or {"type": "prototype", "text_dim": 512, "temperature": 0.07},
 *  "preprocessing": {"input_size": 64, "mean": [..3], "std": [..3], "resize": "center_crop"},
 *  "training": {...}, "metrics": {...},
 *  "numerics": {"probe": {...}, "logits": [[..]], "probabilities": [[..]], "tolerance": 0.001, "computed_on": "..."},
 *  "files": {"catalog.json": {"sha256": "...", "bytes": 4711}, "encoder.pt": {...}, "head.params": {...},
 *            "calibration.json": {...} (optional)}}</pre>
 *
 * @param labels   region ids in the model's output order; must equal the catalog's order
 * @param training free-form facts about the training run (backbone, loss, epochs, seed, dataset, ...)
 * @param metrics  free-form evaluation results (accuracy, mean error, Acc@k km, ...)
 * @param encoderPrecision what the encoder computes in; fp32 for bundles written before precisions were named
 * @param files    the sha256 and size of every other file in the bundle
 * @param numerics what the model gave on the probe batch when it was written ({@link ReferenceOutputs}); null in
 *                 bundles written before references existed
 */
public record BundleManifest(String modelName, Instant created, List<String> labels, String catalogHash,
                             String encoderName, int embeddingDim, EncoderPrecision encoderPrecision, HeadSpec head,
                             Preprocessing preprocessing,
                             Map<String, Object> training, Map<String, Object> metrics, Map<String, BundleFile> files,
                             ReferenceOutputs numerics) {

    public static final String FORMAT = "geoloc-model-bundle/1";

    public BundleManifest {
        labels = List.copyOf(labels);
        training = Map.copyOf(training);
        metrics = Map.copyOf(metrics);
        files = Map.copyOf(files);
    }

    /** The reference outputs, when the bundle carries them. */
    public java.util.Optional<ReferenceOutputs> reference() {
        return java.util.Optional.ofNullable(numerics);
    }

    /** This manifest with {@code reference} as its numerics. */
    BundleManifest withNumerics(ReferenceOutputs reference) {
        return new BundleManifest(modelName, created, labels, catalogHash, encoderName, embeddingDim, encoderPrecision,
                head, preprocessing, training, metrics, files, reference);
    }

    /** This manifest pinning {@code pinned} as the bundle's files. */
    BundleManifest withFiles(Map<String, BundleFile> pinned) {
        return new BundleManifest(modelName, created, labels, catalogHash, encoderName, embeddingDim, encoderPrecision,
                head, preprocessing, training, metrics, pinned, numerics);
    }

    /** This manifest for an encoder that computes in {@code precision}. */
    BundleManifest withEncoderPrecision(EncoderPrecision precision) {
        return new BundleManifest(modelName, created, labels, catalogHash, encoderName, embeddingDim, precision,
                head, preprocessing, training, metrics, files, numerics);
    }

    String toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("model_name", modelName);
        root.put("created", created.toString());
        labels.forEach(root.putArray("labels")::add);
        root.putObject("catalog").put("hash", catalogHash);
        root.putObject("encoder").put("name", encoderName).put("format", "torchscript").put("embedding_dim", embeddingDim)
                .put("precision", encoderPrecision.label());
        ObjectNode headNode = root.putObject("head").put("type", head.type());
        if (head instanceof HeadSpec.Classifier c) {
            headNode.put("hidden_dim", c.hiddenDim()).put("dropout", c.dropout());
        } else if (head instanceof HeadSpec.Prototype p) {
            headNode.put("text_dim", p.textDim()).put("temperature", p.temperature());
        }
        root.set("preprocessing", Json.write(preprocessing));
        root.set("training", Json.MAPPER.valueToTree(new java.util.TreeMap<>(training)));
        root.set("metrics", Json.MAPPER.valueToTree(new java.util.TreeMap<>(metrics)));
        if (numerics != null) {
            root.set("numerics", numerics.toJson());
        }
        ObjectNode filesNode = root.putObject("files");
        new java.util.TreeMap<>(files).forEach((name, file) ->
                filesNode.putObject(name).put("sha256", file.sha256()).put("bytes", file.bytes()));
        try {
            return Json.MAPPER.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("training or metrics hold values JSON cannot write", e);
        }
    }

    static BundleManifest parse(JsonNode root, List<String> problems) {
        Json json = new Json();
        String format = json.text(root.get("format"), "format");
        if (format != null && !format.equals(FORMAT)) {
            json.problems().add("format: '" + format + "' is not " + FORMAT + " (a newer trainer wrote it?)");
        }
        String name = json.text(root.get("model_name"), "model_name");
        Instant created = null;
        String createdText = json.text(root.get("created"), "created");
        if (createdText != null) {
            try {
                created = Instant.parse(createdText);
            } catch (DateTimeParseException e) {
                json.problems().add("created: '" + createdText + "' is not an ISO-8601 instant");
            }
        }
        List<String> labels = null;
        JsonNode labelsNode = root.get("labels");
        if (labelsNode == null || !labelsNode.isArray() || labelsNode.isEmpty()) {
            json.problems().add("labels: missing (the region ids in output order)");
        } else {
            labels = Json.MAPPER.convertValue(labelsNode, new TypeReference<List<String>>() { });
        }
        String catalogHash = json.text(root.path("catalog").get("hash"), "catalog.hash");
        JsonNode encoder = root.path("encoder");
        String encoderName = json.text(encoder.get("name"), "encoder.name");
        String encoderFormat = json.text(encoder.get("format"), "encoder.format");
        if (encoderFormat != null && !encoderFormat.equals("torchscript")) {
            json.problems().add("encoder.format: '" + encoderFormat + "' is not supported (only torchscript)");
        }
        Integer embeddingDim = json.positiveInt(encoder.get("embedding_dim"), "encoder.embedding_dim");
        EncoderPrecision precision = EncoderPrecision.FP32;
        if (encoder.has("precision")) {
            try {
                precision = EncoderPrecision.fromLabel(encoder.get("precision").asText());
            } catch (IllegalArgumentException e) {
                json.problems().add("encoder.precision: " + e.getMessage());
            }
        }
        HeadSpec head = head(root.path("head"), json);
        Preprocessing preprocessing = json.preprocessing(root.get("preprocessing"), "preprocessing");
        Map<String, Object> training = object(root.get("training"), "training", json);
        Map<String, Object> metrics = object(root.get("metrics"), "metrics", json);
        Map<String, BundleFile> files = new LinkedHashMap<>();
        JsonNode filesNode = root.get("files");
        if (filesNode == null || !filesNode.isObject()) {
            json.problems().add("files: missing (the sha256 and size of each file)");
        } else {
            filesNode.fields().forEachRemaining(e -> {
                try {
                    JsonNode bytes = e.getValue().get("bytes");
                    files.put(e.getKey(), new BundleFile(e.getValue().path("sha256").asText(null),
                            bytes != null && bytes.isIntegralNumber() ? bytes.asLong() : -1));
                } catch (IllegalArgumentException invalid) {
                    json.problems().add("files." + e.getKey() + ": " + invalid.getMessage());
                }
            });
        }
        JsonNode numericsNode = root.get("numerics");
        ReferenceOutputs numerics = numericsNode == null || labels == null ? null
                : ReferenceOutputs.parse(numericsNode, labels.size(), json);
        problems.addAll(json.problems());
        if (!json.problems().isEmpty()) {
            return null;
        }
        return new BundleManifest(name, created, labels, catalogHash, encoderName, embeddingDim, precision, head,
                preprocessing, training, metrics, files, numerics);
    }

    private static HeadSpec head(JsonNode node, Json json) {
        String type = json.text(node.get("type"), "head.type");
        if (type == null) {
            return null;
        }
        try {
            switch (type) {
                case "classifier": {
                    Integer hidden = json.positiveInt(node.get("hidden_dim"), "head.hidden_dim");
                    Double dropout = json.number(node.get("dropout"), "head.dropout");
                    return hidden == null || dropout == null ? null : new HeadSpec.Classifier(hidden, dropout.floatValue());
                }
                case "prototype": {
                    Integer textDim = json.positiveInt(node.get("text_dim"), "head.text_dim");
                    Double temperature = json.number(node.get("temperature"), "head.temperature");
                    return textDim == null || temperature == null ? null
                            : new HeadSpec.Prototype(textDim, temperature.floatValue());
                }
                default:
                    json.problems().add("head.type: '" + type + "' is not classifier or prototype");
                    return null;
            }
        } catch (IllegalArgumentException e) {
            json.problems().add("head: " + e.getMessage());
            return null;
        }
    }

    private static Map<String, Object> object(JsonNode node, String path, Json json) {
        if (node == null) {
            return Map.of();
        }
        if (!node.isObject()) {
            json.problems().add(path + ": must be an object");
            return Map.of();
        }
        Map<String, Object> values = Json.MAPPER.convertValue(node, new TypeReference<Map<String, Object>>() { });
        values.values().removeIf(java.util.Objects::isNull);
        return values;
    }
}
