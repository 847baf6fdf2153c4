package dev.geoloc.regions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a region catalog in the study's JSON format and checks it whole, reporting every problem with
 * its JSON path: missing or mistyped fields, coordinates out of range, corners that do not form an upright
 * box, inverted boxes, duplicate ids, overlapping regions.
 *
 * <pre>{ "city": "Los Angeles", "regions": [ { "id", "name", "description",
 *     "bbox": { "corners": [ {"name": "southeast", "latitude", "longitude"}, southwest, northwest, northeast ] },
 *     "sampling": { "num_samples", "method": "grid", "headings": [0, 90, 180, 270] },
 *     "output": { "directory", "prefix" },
 *     "validation": { "enabled", "radius", "max_attempts" } } ] }</pre>
 */
public final class CatalogReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_]{0,63}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final List<String> CORNERS = List.of("southeast", "southwest", "northwest", "northeast");

    private final String source;
    private final List<String> problems = new ArrayList<>();

    private CatalogReader(String source) {
        this.source = source;
    }

    public static RegionCatalog read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read region catalog " + file + ": " + e.getMessage(), e);
        }
    }

    public static RegionCatalog fromResource(String resource) {
        try (InputStream in = CatalogReader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("No region catalog resource " + resource);
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read region catalog " + resource, e);
        }
    }

    /** @throws CatalogException listing every problem, when the catalog is not valid */
    public static RegionCatalog parse(String json, String source) {
        return new CatalogReader(source).parse(json);
    }

    private RegionCatalog parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new CatalogException(source, List.of("not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
        }
        if (root == null || !root.isObject()) {
            throw new CatalogException(source, List.of("the catalog must be a JSON object with a \"regions\" array"));
        }
        String city = root.hasNonNull("city") ? root.get("city").asText() : "unnamed city";
        JsonNode array = root.get("regions");
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new CatalogException(source, List.of("\"regions\" must be a non-empty array"));
        }
        List<Region> regions = new ArrayList<>();
        Map<String, String> pathById = new HashMap<>();
        for (int i = 0; i < array.size(); i++) {
            String path = "regions[" + i + "]";
            Region region = region(array.get(i), path);
            if (region == null) {
                continue;
            }
            String previous = pathById.putIfAbsent(region.id(), path);
            if (previous != null) {
                problems.add(path + ".id: duplicate id '" + region.id() + "' (also " + previous + ")");
            }
            regions.add(region);
        }
        checkOverlaps(regions);
        checkOutputs(regions);
        if (!problems.isEmpty()) {
            throw new CatalogException(source, problems);
        }
        return new RegionCatalog(city, regions, json);
    }

    private Region region(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.add(path + ": must be an object");
            return null;
        }
        int before = problems.size();
        String id = text(node, path, "id");
        if (id != null && !ID.matcher(id).matches()) {
            problems.add(path + ".id: '" + id + "' must be lower-case letters, digits and '_' (at most 64)");
        }
        String name = text(node, path, "name");
        String description = text(node, path, "description");
        BoundingBox bbox = bbox(node.get("bbox"), path + ".bbox");
        Region.Sampling sampling = sampling(node.get("sampling"), path + ".sampling");
        Region.Output output = output(node.get("output"), path + ".output");
        Region.Validation validation = validation(node.get("validation"), path + ".validation");
        if (problems.size() > before) {
            return null;
        }
        return new Region(id, name, description, bbox, sampling, output, validation);
    }

    private BoundingBox bbox(JsonNode node, String path) {
        JsonNode corners = node == null ? null : node.get("corners");
        if (corners == null || !corners.isArray()) {
            problems.add(path + ".corners: missing (four named corners: " + String.join(", ", CORNERS) + ")");
            return null;
        }
        Map<String, LatLon> byName = new HashMap<>();
        for (int i = 0; i < corners.size(); i++) {
            String cornerPath = path + ".corners[" + i + "]";
            JsonNode corner = corners.get(i);
            String name = text(corner, cornerPath, "name");
            Double lat = number(corner, cornerPath, "latitude", -90, 90);
            Double lon = number(corner, cornerPath, "longitude", -180, 180);
            if (name == null || lat == null || lon == null) {
                continue;
            }
            if (!CORNERS.contains(name)) {
                problems.add(cornerPath + ".name: '" + name + "' is not one of " + CORNERS);
            } else if (byName.put(name, new LatLon(lat, lon)) != null) {
                problems.add(cornerPath + ".name: corner '" + name + "' given twice");
            }
        }
        if (!byName.keySet().containsAll(CORNERS)) {
            Set<String> missing = new HashSet<>(CORNERS);
            missing.removeAll(byName.keySet());
            problems.add(path + ".corners: missing " + missing.stream().sorted().toList());
            return null;
        }
        LatLon se = byName.get("southeast");
        LatLon sw = byName.get("southwest");
        LatLon nw = byName.get("northwest");
        LatLon ne = byName.get("northeast");
        if (se.latitude() != sw.latitude() || nw.latitude() != ne.latitude()
                || sw.longitude() != nw.longitude() || se.longitude() != ne.longitude()) {
            problems.add(path + ".corners: do not form a latitude/longitude-aligned box (southeast/southwest must "
                    + "share a latitude, northwest/northeast too; southwest/northwest must share a longitude, "
                    + "southeast/northeast too)");
            return null;
        }
        if (!(nw.latitude() > sw.latitude())) {
            problems.add(path + ": inverted box, north latitude " + nw.latitude() + " is not above south latitude "
                    + sw.latitude());
            return null;
        }
        if (!(se.longitude() > sw.longitude())) {
            problems.add(path + ": inverted box, east longitude " + se.longitude() + " is not east of west longitude "
                    + sw.longitude() + " (boxes across the antimeridian are not supported)");
            return null;
        }
        return new BoundingBox(sw.latitude(), sw.longitude(), nw.latitude(), se.longitude());
    }

    private Region.Sampling sampling(JsonNode node, String path) {
        if (!object(node, path)) {
            return null;
        }
        Integer samples = integer(node, path, "num_samples", 1, 1_000_000);
        String method = text(node, path, "method");
        if (method != null && !method.equals("grid")) {
            problems.add(path + ".method: '" + method + "' is not supported (only \"grid\")");
        }
        JsonNode headingsNode = node.get("headings");
        List<Integer> headings = new ArrayList<>();
        if (headingsNode == null || !headingsNode.isArray() || headingsNode.isEmpty()) {
            problems.add(path + ".headings: missing (a non-empty array of degrees, e.g. [0, 90, 180, 270])");
        } else {
            for (int i = 0; i < headingsNode.size(); i++) {
                JsonNode h = headingsNode.get(i);
                if (!h.isIntegralNumber() || h.asInt() < 0 || h.asInt() >= 360) {
                    problems.add(path + ".headings[" + i + "]: " + h + " is not a whole number of degrees in [0, 360)");
                } else if (headings.contains(h.asInt())) {
                    problems.add(path + ".headings[" + i + "]: heading " + h.asInt() + " given twice");
                } else {
                    headings.add(h.asInt());
                }
            }
        }
        return samples == null || method == null ? null : new Region.Sampling(samples, method, headings);
    }

    private Region.Output output(JsonNode node, String path) {
        if (!object(node, path)) {
            return null;
        }
        String directory = text(node, path, "directory");
        String prefix = text(node, path, "prefix");
        if (directory != null && (directory.contains("..") || directory.startsWith("/"))) {
            problems.add(path + ".directory: '" + directory + "' must be a relative path without '..'");
        }
        if (prefix != null && !PREFIX.matcher(prefix).matches()) {
            problems.add(path + ".prefix: '" + prefix + "' must be letters, digits, '_' or '-'");
        }
        return directory == null || prefix == null ? null : new Region.Output(directory, prefix);
    }

    private Region.Validation validation(JsonNode node, String path) {
        if (!object(node, path)) {
            return null;
        }
        JsonNode enabled = node.get("enabled");
        if (enabled == null || !enabled.isBoolean()) {
            problems.add(path + ".enabled: missing (true or false)");
        }
        Double radius = number(node, path, "radius", 1, 10_000);
        Integer attempts = integer(node, path, "max_attempts", 1, 10_000_000);
        if (enabled == null || !enabled.isBoolean() || radius == null || attempts == null) {
            return null;
        }
        return new Region.Validation(enabled.asBoolean(), radius, attempts);
    }

    private void checkOverlaps(List<Region> regions) {
        for (int i = 0; i < regions.size(); i++) {
            for (int j = i + 1; j < regions.size(); j++) {
                if (regions.get(i).bbox().overlaps(regions.get(j).bbox())) {
                    problems.add("regions '" + regions.get(i).id() + "' and '" + regions.get(j).id()
                            + "' overlap: a photo in both could not have one true label");
                }
            }
        }
    }

    /** Two regions writing the same file names would overwrite, or resume into, each other's images. */
    private void checkOutputs(List<Region> regions) {
        Map<Region.Output, String> owner = new HashMap<>();
        for (Region region : regions) {
            String previous = owner.putIfAbsent(region.output(), region.id());
            if (previous != null) {
                problems.add("regions '" + previous + "' and '" + region.id() + "' share output directory '"
                        + region.output().directory() + "' and prefix '" + region.output().prefix()
                        + "': their image files would collide");
            }
        }
    }

    private boolean object(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            problems.add(path + ": missing (an object)");
            return false;
        }
        return true;
    }

    private String text(JsonNode node, String path, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            problems.add(path + "." + field + ": missing (a non-empty string)");
            return null;
        }
        return value.asText();
    }

    private Double number(JsonNode node, String path, String field, double min, double max) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isNumber()) {
            problems.add(path + "." + field + ": missing (a number)");
            return null;
        }
        double v = value.asDouble();
        if (v < min || v > max) {
            problems.add(path + "." + field + ": " + v + " is outside [" + fmt(min) + ", " + fmt(max) + "]");
            return null;
        }
        return v;
    }

    private Integer integer(JsonNode node, String path, String field, int min, int max) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isIntegralNumber()) {
            problems.add(path + "." + field + ": missing (a whole number)");
            return null;
        }
        long v = value.asLong();
        if (v < min || v > max) {
            problems.add(path + "." + field + ": " + v + " is outside [" + min + ", " + max + "]");
            return null;
        }
        return (int) v;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
