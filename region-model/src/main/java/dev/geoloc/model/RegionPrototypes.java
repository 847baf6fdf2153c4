package dev.geoloc.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.geoloc.regions.RegionCatalog;

/**
 * Fixed per-region vectors for the prototype head and the zero-shot baseline: for CLIP, the text
 * embeddings of one prompt per region, as {@code export_encoder.py} writes them:
 *
 * <pre>{"encoder": "clip-vitb32", "prompt": "a street view photo of {name}, Los Angeles",
 *  "regions": {"downtown_la": [..], ...}}</pre>
 *
 * {@code encoder} names the CLIP model whose text tower made them: only its image tower shares their space.
 */
public final class RegionPrototypes {

    private RegionPrototypes() {
    }

    /** The encoder the prototypes were made for, when the file names it. */
    public static java.util.Optional<String> encoder(Path file) throws IOException {
        JsonNode encoder = Json.MAPPER.readTree(file.toFile()).path("encoder");
        return encoder.isTextual() && !encoder.asText().isBlank() ? java.util.Optional.of(encoder.asText())
                : java.util.Optional.empty();
    }

    /**
     * @return one row per region of {@code catalog}, in label order
     * @throws BundleException when a region is missing or the rows differ in length
     */
    public static float[][] read(Path file, RegionCatalog catalog) throws IOException {
        JsonNode regions = Json.MAPPER.readTree(file.toFile()).path("regions");
        List<String> problems = new ArrayList<>();
        float[][] rows = new float[catalog.size()][];
        for (int i = 0; i < catalog.size(); i++) {
            String id = catalog.region(i).id();
            JsonNode row = regions.get(id);
            if (row == null || !row.isArray() || row.isEmpty()) {
                problems.add("regions." + id + ": missing (a vector of numbers)");
                continue;
            }
            rows[i] = new float[row.size()];
            for (int k = 0; k < row.size(); k++) {
                rows[i][k] = (float) row.get(k).asDouble();
            }
            if (rows[0] != null && rows[i].length != rows[0].length) {
                problems.add("regions." + id + ": " + rows[i].length + " numbers, the first region has " + rows[0].length);
            }
        }
        if (!problems.isEmpty()) {
            throw new BundleException("region prototypes " + file, problems);
        }
        return rows;
    }
}
