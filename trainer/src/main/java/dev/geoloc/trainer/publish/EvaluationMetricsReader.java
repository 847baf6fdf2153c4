package dev.geoloc.trainer.publish;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.schemas.EvaluationMetrics;

/**
 * Reads a model's evaluation into the {@code EvaluationMetrics} of a {@code ModelVersion} record, from a
 * bundle's {@code metrics} or from a flat JSON object in a file, both with the record's own field names:
 *
 * <pre>{"dataset": "synthcity-la-2k/test", "samples": 2000, "accuracy": 0.41,
 *  "mean_error_km": 7.9, "median_error_km": 4.2,
 *  "acc_at_1km": 0.41, "acc_at_5km": 0.55, "acc_at_10km": 0.70, "acc_at_25km": 0.93}</pre>
 *
 * Accuracies are fractions from 0 to 1, errors are kilometres. Every other numeric value goes to
 * {@code extra} under its own name; other values (text, lists, objects) are left out, since {@code extra}
 * holds numbers only.
 *
 * <p>A file may also be the {@code evaluation.json} that {@code evaluate} writes: its study-way errors
 * become the record's errors, its dataset and split the {@code dataset}, and the errors to the photos'
 * coordinates go to {@code extra}, so train, evaluate, publish chain without hand edits.
 */
public final class EvaluationMetricsReader {

    static final String DATASET = "dataset";
    static final String SAMPLES = "samples";
    static final List<String> FRACTIONS =
            List.of("accuracy", "acc_at_1km", "acc_at_5km", "acc_at_10km", "acc_at_25km");
    static final List<String> DISTANCES = List.of("mean_error_km", "median_error_km");
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvaluationMetricsReader() {
    }

    /**
     * @throws InvalidPublishInputException naming every missing or invalid value
     */
    public static EvaluationMetrics fromFile(Path json) throws IOException {
        Map<String, Object> values;
        try {
            values = JSON.readValue(json.toFile(), new TypeReference<Map<String, Object>>() { });
        } catch (JacksonException e) {
            throw new InvalidPublishInputException("metrics file " + json + " is not a JSON object: "
                    + e.getOriginalMessage());
        }
        if (values != null && values.get("errors_km") instanceof Map<?, ?>) {
            values = fromEvaluationReport(values);
        }
        return fromMap(values == null ? Map.of() : values, "metrics file " + json);
    }

    /** The digest of the bundle an {@code evaluate} report was made with, when the file is one. */
    public static java.util.Optional<String> reportedBundleDigest(Path json) throws IOException {
        var node = JSON.readTree(json.toFile());
        return node != null && node.hasNonNull("bundle_digest") && node.has("errors_km")
                ? java.util.Optional.of(node.get("bundle_digest").asText()) : java.util.Optional.empty();
    }

    /** Flattens an {@code evaluate} report into the record's field names. */
    private static Map<String, Object> fromEvaluationReport(Map<String, Object> report) {
        Map<String, Object> flat = new TreeMap<>();
        flat.put(DATASET, report.get("dataset") + "/" + report.get("split"));
        flat.put(SAMPLES, report.get("samples"));
        flat.put("accuracy", report.get("accuracy"));
        Map<?, ?> errors = (Map<?, ?>) report.get("errors_km");
        errors.forEach((measure, figures) -> {
            if (!(figures instanceof Map<?, ?> values)) {
                return;
            }
            // the study's measure fills the record's own fields; the others are kept as extras
            String prefix = measure.equals("region_centers") ? "" : measure + "_";
            flat.put(prefix + "mean_error_km", values.get("mean"));
            flat.put(prefix + "median_error_km", values.get("median"));
            if (values.get("within_km") instanceof Map<?, ?> within) {
                within.forEach((radius, fraction) -> flat.put(prefix + "acc_at_" + radius + "km", fraction));
            }
        });
        return flat;
    }

    /**
     * @param source what the values come from, for messages
     * @throws InvalidPublishInputException naming every missing or invalid value
     */
    public static EvaluationMetrics fromMap(Map<String, ?> values, String source) {
        List<String> problems = new ArrayList<>();
        Object dataset = values.get(DATASET);
        if (!(dataset instanceof String text) || text.isBlank()) {
            problems.add(DATASET + " must name the evaluation set, e.g. synthcity-la-2k/test");
        }
        Object samples = values.get(SAMPLES);
        if (!(samples instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
                || n.doubleValue() > Integer.MAX_VALUE) {
            problems.add(SAMPLES + " must be a whole number of images, at least 1");
        }
        Map<String, Double> measured = new TreeMap<>();
        for (String name : FRACTIONS) {
            Double value = number(values.get(name));
            if (value == null || value < 0 || value > 1) {
                problems.add(name + " must be a fraction from 0 to 1");
            }
            measured.put(name, value);
        }
        for (String name : DISTANCES) {
            Double value = number(values.get(name));
            if (value == null || value < 0) {
                problems.add(name + " must be a distance in km, 0 or more");
            }
            measured.put(name, value);
        }
        if (!problems.isEmpty()) {
            throw new InvalidPublishInputException(source + " cannot be published: " + String.join("; ", problems));
        }
        Map<String, Double> extra = new TreeMap<>();
        values.forEach((name, value) -> {
            Double number = number(value);
            if (number != null && !name.equals(SAMPLES) && !measured.containsKey(name)) {
                extra.put(name, number);
            }
        });
        return EvaluationMetrics.newBuilder()
                .setDataset((String) dataset)
                .setSamples(((Number) samples).intValue())
                .setAccuracy(measured.get("accuracy"))
                .setMeanErrorKm(measured.get("mean_error_km"))
                .setMedianErrorKm(measured.get("median_error_km"))
                .setAccAt1km(measured.get("acc_at_1km"))
                .setAccAt5km(measured.get("acc_at_5km"))
                .setAccAt10km(measured.get("acc_at_10km"))
                .setAccAt25km(measured.get("acc_at_25km"))
                .setExtra(extra)
                .build();
    }

    /** A finite number, or null. */
    private static Double number(Object value) {
        return value instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
    }
}
