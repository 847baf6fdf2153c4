package dev.geoloc.dataset;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.RegionCatalog;

/**
 * A dataset as a CSV manifest (RFC 4180, UTF-8, header row) beside its images:
 *
 * <pre>image,latitude,longitude,region_id,heading,location_id,split
 * streetview_downtown_la/dtla_000001_h090.jpg,34.0451230,-118.2512340,downtown_la,90,CAoSLEFGMVFpcE,train</pre>
 *
 * CSV rather than JSONL because every field is a scalar and the files open in any spreadsheet. Image paths
 * are relative to the manifest's directory, so a dataset moves as one folder. {@code split} is {@code train},
 * {@code validation}, {@code test}, {@code excluded} (see {@link Split#EXCLUDED}) or empty.
 */
public record Manifest(Path directory, List<ManifestEntry> entries) {

    public static final String FILE_NAME = "manifest.csv";
    public static final List<String> HEADER =
            List.of("image", "latitude", "longitude", "region_id", "heading", "location_id", "split");

    public Manifest {
        entries = List.copyOf(entries);
    }

    /** The image file of an entry. */
    public Path resolve(ManifestEntry entry) {
        return directory.resolve(entry.image());
    }

    public List<ManifestEntry> split(Split split) {
        return entries.stream().filter(e -> e.split().equals(Optional.of(split))).toList();
    }

    public Manifest withEntries(List<ManifestEntry> replacement) {
        return new Manifest(directory, replacement);
    }

    /**
     * Reads a manifest and checks every row: field count, numbers, coordinate ranges, headings, splits,
     * duplicate images, and (when a catalog is given) that each region id is in it.
     *
     * @param file    the manifest, or a directory holding {@value #FILE_NAME}
     * @param catalog the catalog the labels must come from, or null to skip that check
     * @throws ManifestException listing the bad rows
     */
    public static Manifest read(Path file, RegionCatalog catalog) throws IOException {
        Path path = Files.isDirectory(file) ? file.resolve(FILE_NAME) : file;
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        List<String> problems = new ArrayList<>();
        if (lines.isEmpty() || !Csv.parse(stripBom(lines.get(0))).equals(HEADER)) {
            throw new ManifestException(path.toString(), List.of("line 1: the header must be " + String.join(",", HEADER)));
        }
        List<ManifestEntry> entries = new ArrayList<>();
        Set<String> images = new HashSet<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String where = "line " + (i + 1);
            try {
                ManifestEntry entry = parse(Csv.parse(line), catalog);
                if (!images.add(entry.image())) {
                    problems.add(where + ": image " + entry.image() + " is listed twice");
                }
                entries.add(entry);
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ManifestException(path.toString(), problems);
        }
        Path parent = path.toAbsolutePath().getParent();
        return new Manifest(parent, entries);
    }

    /** Writes {@value #FILE_NAME} into {@link #directory()}, replacing it atomically. */
    public Path write() throws IOException {
        Files.createDirectories(directory);
        Path target = directory.resolve(FILE_NAME);
        Path temp = directory.resolve(FILE_NAME + ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            out.write(Csv.format(HEADER));
            out.write('\n');
            for (ManifestEntry entry : entries) {
                out.write(format(entry));
                out.write('\n');
            }
        }
        Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** One manifest row, for writers that append as they go. */
    public static String format(ManifestEntry entry) {
        return Csv.format(List.of(entry.image(),
                String.format(Locale.ROOT, "%.7f", entry.location().latitude()),
                String.format(Locale.ROOT, "%.7f", entry.location().longitude()),
                entry.regionId(), Integer.toString(entry.heading()), entry.locationId(),
                entry.split().map(Split::label).orElse("")));
    }

    private static ManifestEntry parse(List<String> fields, RegionCatalog catalog) {
        if (fields.size() != HEADER.size()) {
            throw new IllegalArgumentException(fields.size() + " fields, expected " + HEADER.size());
        }
        String image = require(fields.get(0), "image");
        if (image.startsWith("/") || Path.of(image).normalize().startsWith("..")) {
            throw new IllegalArgumentException("image path " + image + " must stay inside the dataset directory");
        }
        double latitude = number(fields.get(1), "latitude");
        double longitude = number(fields.get(2), "longitude");
        LatLon location = new LatLon(latitude, longitude);
        String regionId = require(fields.get(3), "region_id");
        if (catalog != null && catalog.byId(regionId).isEmpty()) {
            throw new IllegalArgumentException("region '" + regionId + "' is not in the " + catalog.city() + " catalog");
        }
        int heading;
        try {
            heading = Integer.parseInt(fields.get(4).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("heading '" + fields.get(4) + "' is not a whole number");
        }
        String locationId = require(fields.get(5), "location_id");
        String split = fields.get(6).trim();
        return new ManifestEntry(image, location, regionId, heading, locationId,
                split.isEmpty() ? Optional.empty() : Optional.of(Split.fromLabel(split)));
    }

    private static String require(String value, String field) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " is empty");
        }
        return value;
    }

    private static double number(String value, String field) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " '" + value + "' is not a number");
        }
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }
}
