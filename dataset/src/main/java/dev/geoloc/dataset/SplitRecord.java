package dev.geoloc.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a dataset was split, as {@value #FILE_NAME} beside its manifest, so that a result can say what its
 * test set was worth: a blocked split's accuracy is not a grouped one's. Datasets made before the file
 * existed have none, and {@link #read} says so with an empty result.
 *
 * <pre>{"mode": "blocked", "fractions": {"train": 0.8, "validation": 0.1, "test": 0.1}, "block_km": 0.4,
 *  "buffer_km": 0.1, "seed": 7, "images": {"train": 812, "validation": 101, "test": 99, "excluded": 37},
 *  "kept_images": 0, "test_to_nearest_train": {"test_locations": 25, "median_km": 0.2, "min_km": 0.11,
 *  "within_near_km": 0}}</pre>
 *
 * @param mode       the mode that drew the new locations
 * @param fractions  the fractions asked for
 * @param blocks     the blocks and buffer, for a blocked split only
 * @param seed       the split's seed
 * @param images     images per split, every split listed
 * @param keptImages images that kept the split an earlier run gave them (a grown dataset), whatever mode drew it
 * @param separation how far the test locations lie from the training photos; empty without either, or in a record
 *                   written before it was measured
 */
public record SplitRecord(SplitPlan.Mode mode, Splitter.Fractions fractions, Optional<Splitter.BlockedSplit> blocks,
                          long seed, Map<Split, Long> images, long keptImages, Optional<Separation> separation) {

    public static final String FILE_NAME = "split.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SplitRecord {
        Map<Split, Long> all = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            all.put(split, images.getOrDefault(split, 0L));
        }
        images = Map.copyOf(all);
    }

    /**
     * The record of a split drawn by {@code plan}.
     *
     * @param input the entries given to the splitter, to count those that already had a split
     * @param split what it returned
     */
    public static SplitRecord of(SplitPlan plan, long seed, List<ManifestEntry> input, List<ManifestEntry> split) {
        Map<Split, Long> images = new EnumMap<>(Split.class);
        split.forEach(e -> e.split().ifPresent(s -> images.merge(s, 1L, Long::sum)));
        long kept = plan.mode() == SplitPlan.Mode.NAIVE ? 0 : input.stream().filter(e -> e.split().isPresent()).count();
        return new SplitRecord(plan.mode(), plan.fractions(),
                plan.mode() == SplitPlan.Mode.BLOCKED ? Optional.of(plan.blocks()) : Optional.empty(), seed, images, kept,
                Separation.of(split));
    }

    /** One line: {@code blocked (0.4 km blocks, 0.1 km buffer, seed 7): 812 train, 101 validation, 99 test, 37 excluded images}. */
    public String describe() {
        String how = blocks.map(b -> String.format(Locale.ROOT, "%s km blocks, %s km buffer, ", b.blockKm(), b.bufferKm()))
                .orElse("") + "seed " + seed;
        List<String> counts = new ArrayList<>();
        for (Split split : Split.values()) {
            if (split != Split.EXCLUDED || blocks.isPresent() || images.get(split) > 0) {
                counts.add(images.get(split) + " " + split.label());
            }
        }
        return mode.label() + " (" + how + "): " + String.join(", ", counts) + " images"
                + (keptImages > 0 ? " (" + keptImages + " kept from an earlier split)" : "")
                + separation.map(s -> "; " + s.describe()).orElse("");
    }

    /** Writes {@value #FILE_NAME} into the dataset directory, replacing it atomically. */
    public Path write(Path datasetDirectory) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("mode", mode.label());
        ObjectNode shares = root.putObject("fractions");
        shares.put("train", fractions.train());
        shares.put("validation", fractions.validation());
        shares.put("test", fractions.test());
        blocks.ifPresent(b -> root.put("block_km", b.blockKm()).put("buffer_km", b.bufferKm()));
        root.put("seed", seed);
        ObjectNode counts = root.putObject("images");
        for (Split split : Split.values()) {
            counts.put(split.label(), images.get(split));
        }
        root.put("kept_images", keptImages);
        separation.ifPresent(s -> root.putObject("test_to_nearest_train").put("test_locations", s.testLocations())
                .put("median_km", s.medianKm()).put("min_km", s.minKm()).put("within_near_km", s.withinNear()));
        Files.createDirectories(datasetDirectory);
        Path target = datasetDirectory.resolve(FILE_NAME);
        Path temp = datasetDirectory.resolve(FILE_NAME + ".tmp");
        JSON.writeValue(temp.toFile(), root);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /**
     * The record of a dataset, if it has one.
     *
     * @param dataset the dataset directory, or its manifest file
     * @throws IOException when the file exists but cannot be read or is not a split record
     */
    public static Optional<SplitRecord> read(Path dataset) throws IOException {
        Path directory = Files.isRegularFile(dataset) ? dataset.toAbsolutePath().getParent() : dataset;
        Path file = directory.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            JsonNode shares = root.required("fractions");
            Map<Split, Long> images = new EnumMap<>(Split.class);
            root.required("images").fields().forEachRemaining(e -> images.put(Split.fromLabel(e.getKey()), e.getValue().asLong()));
            Optional<Splitter.BlockedSplit> blocks = root.has("block_km")
                    ? Optional.of(new Splitter.BlockedSplit(root.get("block_km").asDouble(), root.required("buffer_km").asDouble()))
                    : Optional.empty();
            return Optional.of(new SplitRecord(SplitPlan.Mode.fromLabel(root.required("mode").asText()),
                    new Splitter.Fractions(shares.required("train").asDouble(), shares.required("validation").asDouble(),
                            shares.required("test").asDouble()),
                    blocks, root.required("seed").asLong(), images, root.path("kept_images").asLong(0),
                    separation(root.path("test_to_nearest_train"))));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a split record: " + e.getMessage(), e);
        }
    }

    private static Optional<Separation> separation(JsonNode node) {
        return node.isMissingNode() ? Optional.empty() : Optional.of(new Separation(node.required("test_locations").asInt(),
                node.required("median_km").asDouble(), node.required("min_km").asDouble(),
                node.required("within_near_km").asInt()));
    }
}
