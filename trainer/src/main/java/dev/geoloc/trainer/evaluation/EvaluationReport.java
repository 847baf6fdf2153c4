package dev.geoloc.trainer.evaluation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One model's evaluation on one split of a dataset, and the files that report it: {@value #JSON} for
 * programs, {@value #MARKDOWN} for people (the study's table, every error measure, per-region accuracy),
 * {@value #CONFUSION_PNG} and {@value #CDF_PNG}.
 *
 * @param bundleDigest the evaluated bundle's sha256, or null for a model that is not a bundle
 * @param dataset      where the images came from, as given
 * @param skipped      images that could not be evaluated; they are in no figure
 */
public record EvaluationReport(ModelDescription model, String bundleDigest, String dataset, String split,
                               List<SkippedImage> skipped, Evaluation evaluation) {

    public static final String JSON = "evaluation.json";
    public static final String MARKDOWN = "evaluation.md";
    public static final String CONFUSION_PNG = "confusion.png";
    public static final String CDF_PNG = "error-cdf.png";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** A Markdown report lists this many skipped images; the JSON lists them all. */
    private static final int SKIPPED_LISTED = 20;

    public EvaluationReport {
        skipped = List.copyOf(skipped);
    }

    /** Writes the four files into {@code directory}, creating it. */
    public void writeTo(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(JSON), toJson(), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(MARKDOWN), toMarkdown(), StandardCharsets.UTF_8);
        ConfusionPlot.write(evaluation.confusion(), "Confusion matrix: " + model.name() + ", " + split + " split",
                directory.resolve(CONFUSION_PNG));
        ErrorCdfPlot.write(Map.of(model.name(), evaluation), List.of(ErrorMeasure.values()),
                "Error CDF: " + model.name() + ", " + split + " split", directory.resolve(CDF_PNG));
    }

    /**
     * Accuracies are fractions in [0, 1] and distances kilometres; {@code within_km} maps a radius to its
     * Acc@k fraction; the confusion matrix's rows are true regions and its columns predicted ones, both in
     * {@code labels} order. A region without images has a null accuracy.
     */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.putObject("model").put("name", model.name()).put("backbone", model.backbone()).put("loss", model.loss());
        if (bundleDigest != null) {
            root.put("bundle_digest", bundleDigest);
        }
        root.put("dataset", dataset).put("split", split);
        root.put("samples", evaluation.samples()).put("correct", evaluation.correct())
                .put("accuracy", evaluation.accuracy());
        ObjectNode errors = root.putObject("errors_km");
        for (ErrorMeasure measure : ErrorMeasure.values()) {
            DistanceMetrics distance = evaluation.distance(measure);
            ObjectNode node = errors.putObject(measure.key()).put("description", measure.label())
                    .put("mean", distance.meanKm()).put("median", distance.medianKm());
            ObjectNode within = node.putObject("within_km");
            Evaluation.RADII_KM.forEach(radius -> within.put(radiusKey(radius), distance.accuracyWithinKm(radius)));
        }
        ArrayNode regions = root.putArray("regions");
        for (RegionAccuracy region : evaluation.regions()) {
            ObjectNode node = regions.addObject().put("id", region.regionId()).put("name", region.regionName())
                    .put("samples", region.support()).put("correct", region.correct());
            if (region.support() == 0) {
                node.putNull("accuracy");
            } else {
                node.put("accuracy", region.accuracy());
            }
        }
        ObjectNode confusion = root.putObject("confusion");
        evaluation.confusion().ids().forEach(confusion.putArray("labels")::add);
        ArrayNode rows = confusion.putArray("counts");
        for (int[] row : evaluation.confusion().counts()) {
            ArrayNode counts = rows.addArray();
            for (int count : row) {
                counts.add(count);
            }
        }
        ArrayNode skippedNode = root.putArray("skipped");
        skipped.forEach(s -> skippedNode.addObject().put("image", s.image()).put("reason", s.reason()));
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree of plain values always serialises", e);
        }
    }

    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Evaluation: ").append(model.name()).append("\n\n");
        md.append(String.format(Locale.ROOT, "%d images of the %s split of `%s`", evaluation.samples(), split, dataset));
        md.append(skipped.isEmpty() ? "." : String.format(Locale.ROOT, "; %d skipped (listed below).", skipped.size()));
        if (bundleDigest != null) {
            md.append(" Bundle sha256 `").append(bundleDigest).append("`.");
        }
        md.append("\n\n## Results\n\n");
        md.append("In the study's format: accuracy and Acc@k in %, errors in km between the predicted and the true ")
                .append("region's center (0 when the region is right).\n\n");
        md.append(ResultsTable.markdown(List.of(ResultsRow.of(model, evaluation))));
        md.append("\n## Error by how it is measured\n\n");
        md.append("| Error measured | Mean (km) | Median (km) | Acc@1km | Acc@5km | Acc@10km | Acc@25km |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (ErrorMeasure measure : ErrorMeasure.values()) {
            DistanceMetrics distance = evaluation.distance(measure);
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f", measure.label(), distance.meanKm(), distance.medianKm()));
            for (double radius : Evaluation.RADII_KM) {
                md.append(String.format(Locale.ROOT, " | %.2f", 100 * distance.accuracyWithinKm(radius)));
            }
            md.append(" |\n");
        }
        md.append("\n- *region centers (study)*: predicted region's center to the true region's center.\n")
                .append("- *estimate to photo*: the model's location estimate (its region's center, or a point between ")
                .append("likely regions when that has the lower expected error) to the photo's true coordinates.\n")
                .append("- *predicted center to photo*: the predicted region's center to the photo's true coordinates.\n");
        md.append("\n## Per region\n\n");
        md.append(regionTable());
        md.append("\n![Confusion matrix](").append(CONFUSION_PNG).append(")\n\n![Error CDF](").append(CDF_PNG).append(")\n");
        if (!skipped.isEmpty()) {
            md.append("\n## Skipped images\n\n");
            skipped.stream().limit(SKIPPED_LISTED).forEach(s ->
                    md.append("- `").append(s.image()).append("`: ").append(ResultsTable.cell(s.reason())).append('\n'));
            if (skipped.size() > SKIPPED_LISTED) {
                md.append("- and ").append(skipped.size() - SKIPPED_LISTED).append(" more, listed in ").append(JSON).append('\n');
            }
        }
        return md.toString();
    }

    private String regionTable() {
        ConfusionMatrix confusion = evaluation.confusion();
        StringBuilder md = new StringBuilder("| Region | Images | Correct | Accuracy (%) | Most often mistaken for |\n")
                .append("|---|---:|---:|---:|---|\n");
        for (RegionAccuracy region : evaluation.regions()) {
            OptionalInt mistaken = confusion.mostMistakenFor(region.index());
            md.append("| ").append(ResultsTable.cell(region.regionName()))
                    .append(" | ").append(region.support())
                    .append(" | ").append(region.correct())
                    .append(" | ").append(region.support() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", 100 * region.accuracy()))
                    .append(" | ").append(mistaken.isEmpty() ? "–" : String.format(Locale.ROOT, "%s (%d)",
                            ResultsTable.cell(confusion.names().get(mistaken.getAsInt())),
                            confusion.count(region.index(), mistaken.getAsInt())))
                    .append(" |\n");
        }
        return md.toString();
    }

    private static String radiusKey(double radius) {
        return radius == Math.rint(radius) ? Long.toString((long) radius) : Double.toString(radius);
    }
}
