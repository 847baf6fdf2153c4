package dev.geoloc.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.PhotoSpread;
import dev.geoloc.regions.RegionCatalog;

/**
 * {@code calibration.json}, a bundle's optional calibration of what its predictions state: a temperature that the
 * head's logits are divided by before the softmax, fitted on held-out images, and a sample of training photo
 * coordinates per region, so that the expected error and the confidence radius are measured to where photos
 * lie rather than to region centers ({@link dev.geoloc.regions.LocationEstimator}).
 *
 * <pre>{"format": "geoloc-calibration/1", "temperature": 1.37,
 *  "fit": {"dataset": "synth-blocked", "split": "validation", "images": 324, "nll_before": 0.71, "nll_after": 0.63},
 *  "photo_spread": {"source": "train split of synth-blocked, up to 64 locations per region",
 *                   "regions": {"downtown_la": [[34.0470318, -118.2475902], ...], ...}}}</pre>
 *
 * @param temperature  the logits' divisor, in [{@value #MIN_TEMPERATURE}, {@value #MAX_TEMPERATURE}]: above 1
 *                     softens over-confident probabilities, below 1 sharpens under-confident ones
 * @param fit          how the temperature was fitted
 * @param spreadSource where the photo samples come from, for people
 * @param spread       per region in label order, at most {@value #MAX_POINTS_PER_REGION} photo coordinates
 */
public record BundleCalibration(double temperature, Fit fit, String spreadSource, PhotoSpread spread) {

    public static final String FORMAT = "geoloc-calibration/1";
    /** What this calibration does, and its version: the start of {@link #identifier()}. */
    public static final String METHOD = "temperature+spread/1";
    public static final double MIN_TEMPERATURE = 0.05;
    public static final double MAX_TEMPERATURE = 20;
    /**
     * Enough for the 90 % radius of a confident prediction (the 58th of 64 distances) to sit within a few
     * percentiles of the region's true quantile, and few enough that a prediction's radius costs about a thousand
     * distances over 15 regions.
     */
    public static final int MAX_POINTS_PER_REGION = 64;
    /** calibration.json may not be larger: 15 regions x 64 points take about 30 KB. */
    public static final long MAX_BYTES = 1 << 20;

    public BundleCalibration {
        if (!(temperature >= MIN_TEMPERATURE && temperature <= MAX_TEMPERATURE)) {
            throw new IllegalArgumentException("temperature " + temperature + " is outside [" + MIN_TEMPERATURE + ", "
                    + MAX_TEMPERATURE + "]");
        }
        java.util.Objects.requireNonNull(fit, "fit");
        java.util.Objects.requireNonNull(spreadSource, "spreadSource");
        java.util.Objects.requireNonNull(spread, "spread");
        for (int j = 0; j < spread.regions(); j++) {
            if (spread.of(j).size() > MAX_POINTS_PER_REGION) {
                throw new IllegalArgumentException("region " + j + " has " + spread.of(j).size() + " photo points, more"
                        + " than " + MAX_POINTS_PER_REGION);
            }
        }
    }

    /**
     * How the temperature was fitted: by minimising the negative log-likelihood of the true regions.
     *
     * @param dataset   the dataset's name
     * @param split     the split whose images it was fitted on (validation: never the test split)
     * @param images    how many
     * @param nllBefore the mean NLL at temperature 1
     * @param nllAfter  the mean NLL at the fitted temperature
     */
    public record Fit(String dataset, String split, int images, double nllBefore, double nllAfter) {
    }

    /** The method, its version and the temperature, e.g. {@code temperature+spread/1, T=1.370}: what predictions can name. */
    public String identifier() {
        return String.format(Locale.ROOT, "%s, T=%.3f", METHOD, temperature);
    }

    String toJson(RegionCatalog catalog) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("temperature", temperature);
        root.putObject("fit").put("dataset", fit.dataset()).put("split", fit.split()).put("images", fit.images())
                .put("nll_before", fit.nllBefore()).put("nll_after", fit.nllAfter());
        ObjectNode photoSpread = root.putObject("photo_spread").put("source", spreadSource);
        ObjectNode regions = photoSpread.putObject("regions");
        for (int j = 0; j < catalog.size(); j++) {
            ArrayNode points = regions.putArray(catalog.region(j).id());
            for (LatLon point : spread.of(j)) {
                points.addArray().add(point.latitude()).add(point.longitude());
            }
        }
        try {
            return Json.MAPPER.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("numbers and strings always make JSON", e);
        }
    }

    /**
     * Reads {@code calibration.json} for a bundle of {@code catalog}'s regions; every problem is added to
     * {@code problems} (prefixed with the file's name) and null returned.
     */
    static BundleCalibration parse(byte[] bytes, RegionCatalog catalog, List<String> problems) {
        return Json.file(ModelBundle.CALIBRATION, FORMAT, bytes, problems, (root, json) -> read(root, catalog, json));
    }

    private static BundleCalibration read(JsonNode root, RegionCatalog catalog, Json json) {
        Double temperature = json.number(root.get("temperature"), "temperature");
        if (temperature != null && !(temperature >= MIN_TEMPERATURE && temperature <= MAX_TEMPERATURE)) {
            json.problems().add("temperature: " + temperature + " is outside [" + MIN_TEMPERATURE + ", "
                    + MAX_TEMPERATURE + "]");
        }
        JsonNode fitNode = root.path("fit");
        String dataset = json.text(fitNode.get("dataset"), "fit.dataset");
        String split = json.text(fitNode.get("split"), "fit.split");
        Integer images = json.positiveInt(fitNode.get("images"), "fit.images");
        Double nllBefore = json.number(fitNode.get("nll_before"), "fit.nll_before");
        Double nllAfter = json.number(fitNode.get("nll_after"), "fit.nll_after");
        JsonNode spreadNode = root.path("photo_spread");
        String source = json.text(spreadNode.get("source"), "photo_spread.source");
        PhotoSpread spread = spread(spreadNode.get("regions"), catalog, json);
        if (!json.problems().isEmpty()) {
            return null;
        }
        return new BundleCalibration(temperature, new Fit(dataset, split, images, nllBefore, nllAfter), source, spread);
    }

    /** One array of [latitude, longitude] pairs per catalog region, keyed by region id: no region missing or unknown. */
    private static PhotoSpread spread(JsonNode regions, RegionCatalog catalog, Json json) {
        String path = "photo_spread.regions";
        if (regions == null || !regions.isObject()) {
            json.problems().add(path + ": missing (an object of [latitude, longitude] arrays per region id)");
            return null;
        }
        TreeSet<String> unknown = new TreeSet<>();
        regions.fieldNames().forEachRemaining(id -> {
            if (catalog.byId(id).isEmpty()) {
                unknown.add(id);
            }
        });
        if (!unknown.isEmpty()) {
            json.problems().add(path + ": " + unknown + " are not regions of the bundle's catalog");
        }
        List<List<LatLon>> points = new ArrayList<>();
        for (String id : catalog.ids()) {
            JsonNode array = regions.get(id);
            String at = path + "." + id;
            if (array == null || !array.isArray()) {
                json.problems().add(at + ": missing (an array of [latitude, longitude], empty for a region without photos)");
                continue;
            }
            if (array.size() > MAX_POINTS_PER_REGION) {
                json.problems().add(at + ": " + array.size() + " points, more than " + MAX_POINTS_PER_REGION);
                continue;
            }
            List<LatLon> region = new ArrayList<>();
            for (int k = 0; k < array.size(); k++) {
                JsonNode pair = array.get(k);
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isNumber() || !pair.get(1).isNumber()) {
                    json.problems().add(at + "[" + k + "]: not a [latitude, longitude] pair");
                    continue;
                }
                try {
                    region.add(new LatLon(pair.get(0).asDouble(), pair.get(1).asDouble()));
                } catch (IllegalArgumentException e) {
                    json.problems().add(at + "[" + k + "]: " + e.getMessage());
                }
            }
            points.add(region);
        }
        return json.problems().isEmpty() ? new PhotoSpread(points) : null;
    }
}
