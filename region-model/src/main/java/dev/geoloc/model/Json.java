package dev.geoloc.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.imaging.ResizePolicy;

/**
 * Reading the model's JSON files field by field, collecting problems with their paths instead of stopping
 * at the first, as {@code CatalogReader} does for catalogs.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<String> problems = new ArrayList<>();

    List<String> problems() {
        return problems;
    }

    /** What one of a bundle's optional files holds, read field by field from its root object. */
    interface Fields<T> {
        /** @return the value, or null when {@code json} has problems */
        T read(JsonNode root, Json json);
    }

    /**
     * Reads an optional bundle file of the given format: a JSON object whose {@code format} is {@code format}, its
     * fields read by {@code fields}. Every problem is added to {@code problems}, prefixed with the file's name, and
     * null returned.
     */
    static <T> T file(String name, String format, byte[] bytes, List<String> problems, Fields<T> fields) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            problems.add(name + ": not valid JSON: " + e.getOriginalMessage());
            return null;
        } catch (java.io.IOException e) {
            problems.add(name + ": cannot be read: " + e.getMessage());
            return null;
        }
        if (root == null || !root.isObject()) {
            problems.add(name + ": must be a JSON object");
            return null;
        }
        Json json = new Json();
        String found = json.text(root.get("format"), "format");
        if (found != null && !found.equals(format)) {
            json.problems().add("format: '" + found + "' is not " + format + " (a newer trainer wrote it?)");
        }
        T value = fields.read(root, json);
        json.problems().forEach(problem -> problems.add(name + ": " + problem));
        return json.problems().isEmpty() ? value : null;
    }

    String text(JsonNode node, String path) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            problems.add(path + ": missing (a non-empty string)");
            return null;
        }
        return node.asText();
    }

    Integer positiveInt(JsonNode node, String path) {
        if (node == null || !node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > Integer.MAX_VALUE) {
            problems.add(path + ": missing (a positive whole number)");
            return null;
        }
        return node.asInt();
    }

    Double number(JsonNode node, String path) {
        if (node == null || !node.isNumber()) {
            problems.add(path + ": missing (a number)");
            return null;
        }
        return node.asDouble();
    }

    float[] floats(JsonNode node, String path, int length) {
        if (node == null || !node.isArray() || node.size() != length) {
            problems.add(path + ": missing (an array of " + length + " numbers)");
            return null;
        }
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            if (!node.get(i).isNumber()) {
                problems.add(path + "[" + i + "]: not a number");
                return null;
            }
            values[i] = (float) node.get(i).asDouble();
        }
        return values;
    }

    Preprocessing preprocessing(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            problems.add(path + ": missing (input_size, mean, std, resize)");
            return null;
        }
        Integer size = positiveInt(node.get("input_size"), path + ".input_size");
        float[] mean = floats(node.get("mean"), path + ".mean", 3);
        float[] std = floats(node.get("std"), path + ".std", 3);
        String resize = text(node.get("resize"), path + ".resize");
        if (size == null || mean == null || std == null || resize == null) {
            return null;
        }
        try {
            return new Preprocessing(size, mean, std, ResizePolicy.valueOf(resize.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + (e.getMessage().startsWith("No enum") ? "resize '" + resize
                    + "' is not center_crop or stretch" : e.getMessage()));
            return null;
        }
    }

    static ObjectNode write(Preprocessing p) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("input_size", p.inputSize());
        float[] mean = p.mean();
        float[] std = p.std();
        var meanArray = node.putArray("mean");
        var stdArray = node.putArray("std");
        for (int i = 0; i < 3; i++) {
            meanArray.add(mean[i]);
            stdArray.add(std[i]);
        }
        node.put("resize", p.resize().name().toLowerCase(Locale.ROOT));
        return node;
    }
}
