package dev.geoloc.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.geoloc.regions.CatalogException;
import dev.geoloc.regions.CatalogReader;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.retrieval.GalleryException;
import dev.geoloc.retrieval.GalleryFile;

/**
 * A trained model as one self-describing unit: a directory, or a zip of it, holding
 * <ul>
 *   <li>{@code bundle.json}: the {@link BundleManifest}, with the sha256 of every other file;</li>
 *   <li>{@code catalog.json}: the region catalog the labels come from;</li>
 *   <li>{@code encoder.pt}: the image encoder, TorchScript;</li>
 *   <li>{@code head.params}: the head's parameters, DJL's format;</li>
 *   <li>optionally {@code calibration.json}: the {@link BundleCalibration} of its probabilities and error estimate.
 *   Bundles written before calibration existed have none and predict as they always did;</li>
 *   <li>optionally {@code gallery.bin}: a {@link GalleryFile} of training photos' embeddings and places, which
 *   refines each prediction's point by its nearest matches;</li>
 *   <li>optionally {@code cells.json}: the {@link CellsFile cells} below the regions that the head classifies into,
 *   for a head that answers a cell and an offset within it.</li>
 * </ul>
 * The bundle's {@link #digest()} is the sha256 of {@code bundle.json}, which lists the sha256 of the
 * other files, so it covers the contents whole. {@link #open} checks everything before anything is loaded
 * into libtorch: the manifest's fields, each file's checksum, no missing or extra files, the catalog's hash,
 * that the labels are the catalog's regions in order, and the calibration when there is one.
 */
public final class ModelBundle implements AutoCloseable {

    public static final String MANIFEST = "bundle.json";
    public static final String CATALOG = "catalog.json";
    public static final String ENCODER = "encoder.pt";
    public static final String HEAD = "head.params";
    public static final String CALIBRATION = "calibration.json";
    public static final String GALLERY = GalleryFile.NAME;
    public static final String CELLS = CellsFile.NAME;
    /** The files every bundle has besides its manifest. */
    static final Set<String> PAYLOAD = Set.of(CATALOG, ENCODER, HEAD);
    /** The files a bundle may have besides those; each is pinned in the manifest like the others when present. */
    static final Set<String> OPTIONAL = Set.of(CALIBRATION, GALLERY, CELLS);
    /** Every file a bundle may hold besides its manifest, in the order an archive stores them. */
    static final List<String> FILES = List.of(CATALOG, ENCODER, HEAD, CELLS, CALIBRATION, GALLERY);
    private static final long MAX_MANIFEST_BYTES = 1 << 20;

    private final Path directory;
    private final boolean extracted;
    private final BundleManifest manifest;
    private final RegionCatalog catalog;
    private final String digest;
    private final Optional<BundleCalibration> calibration;
    private final Optional<GalleryFile.Contents> gallery;
    private final Optional<CellsFile.Contents> cells;

    private ModelBundle(Path directory, boolean extracted, BundleManifest manifest, RegionCatalog catalog, String digest,
                        Optional<BundleCalibration> calibration, Optional<GalleryFile.Contents> gallery,
                        Optional<CellsFile.Contents> cells) {
        this.directory = directory;
        this.extracted = extracted;
        this.manifest = manifest;
        this.catalog = catalog;
        this.digest = digest;
        this.calibration = calibration;
        this.gallery = gallery;
        this.cells = cells;
    }

    /**
     * Opens and validates a bundle directory or zip archive. A zip is extracted into a temporary directory
     * that {@link #close()} removes.
     *
     * @throws BundleException listing every problem
     */
    public static ModelBundle open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return validate(path, false, path.toString());
        }
        if (!Files.isRegularFile(path)) {
            throw new BundleException(path.toString(), List.of("no such file or directory"));
        }
        Path directory = Files.createTempDirectory("geoloc-bundle-");
        try {
            unzip(path, directory);
            return validate(directory, true, path.toString());
        } catch (IOException | RuntimeException e) {
            deleteTree(directory);
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    public BundleManifest manifest() {
        return manifest;
    }

    public RegionCatalog catalog() {
        return catalog;
    }

    /** sha256 of {@code bundle.json}, which pins every other file by its own sha256. */
    public String digest() {
        return digest;
    }

    /** The bundle's calibration; empty for a bundle without {@code calibration.json}, which predicts uncalibrated. */
    public Optional<BundleCalibration> calibration() {
        return calibration;
    }

    /** The bundle's gallery and how to search it; empty for a bundle without {@code gallery.bin}. */
    public Optional<GalleryFile.Contents> gallery() {
        return gallery;
    }

    /** The cells its head classifies into; empty for a bundle without {@code cells.json}, whose head scores regions. */
    public Optional<CellsFile.Contents> cells() {
        return cells;
    }

    public Path encoderFile() {
        return directory.resolve(ENCODER);
    }

    public Path headFile() {
        return directory.resolve(HEAD);
    }

    @Override
    public void close() throws IOException {
        if (extracted) {
            deleteTree(directory);
        }
    }

    private static ModelBundle validate(Path directory, boolean extracted, String source) throws IOException {
        Path manifestFile = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new BundleException(source, List.of(MANIFEST + " is missing: this is not a model bundle"));
        }
        byte[] manifestBytes = Files.readAllBytes(manifestFile);
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(manifestBytes);
        } catch (JsonProcessingException e) {
            throw new BundleException(source, List.of(MANIFEST + " is not valid JSON: " + e.getOriginalMessage()));
        }
        List<String> problems = new ArrayList<>();
        BundleManifest manifest = root != null && root.isObject() ? BundleManifest.parse(root, problems) : null;
        if (manifest == null) {
            if (problems.isEmpty()) {
                problems.add(MANIFEST + " must be a JSON object");
            }
            throw new BundleException(source, problems);
        }
        checkFiles(directory, manifest, problems);
        RegionCatalog catalog = null;
        if (problems.isEmpty()) {
            try {
                catalog = CatalogReader.parse(Files.readString(directory.resolve(CATALOG), StandardCharsets.UTF_8), CATALOG);
            } catch (CatalogException e) {
                problems.add(CATALOG + " is not a valid catalog: " + String.join("; ", e.problems()));
            } catch (java.nio.charset.CharacterCodingException e) {
                problems.add(CATALOG + " is not UTF-8 text");
            }
        }
        if (catalog != null) {
            if (!catalog.hash().equals(manifest.catalogHash())) {
                problems.add("catalog.hash " + manifest.catalogHash() + " does not match catalog.json, whose hash is "
                        + catalog.hash());
            }
            if (!catalog.ids().equals(manifest.labels())) {
                problems.add("labels " + manifest.labels() + " are not the catalog's regions in order " + catalog.ids());
            }
        }
        BundleCalibration calibration = null;
        if (problems.isEmpty() && manifest.files().containsKey(CALIBRATION)) {
            calibration = BundleCalibration.parse(Files.readAllBytes(directory.resolve(CALIBRATION)), catalog, problems);
        }
        GalleryFile.Contents gallery = null;
        if (problems.isEmpty() && manifest.files().containsKey(GALLERY)) {
            gallery = gallery(directory.resolve(GALLERY), manifest, catalog, problems);
        }
        CellsFile.Contents cells = null;
        if (problems.isEmpty() && manifest.files().containsKey(CELLS)) {
            cells = CellsFile.parse(Files.readAllBytes(directory.resolve(CELLS)), catalog, problems);
        }
        if (!problems.isEmpty()) {
            throw new BundleException(source, problems);
        }
        return new ModelBundle(directory, extracted, manifest, catalog, Sha256.of(manifestBytes),
                Optional.ofNullable(calibration), Optional.ofNullable(gallery), Optional.ofNullable(cells));
    }

    private static GalleryFile.Contents gallery(Path file, BundleManifest manifest, RegionCatalog catalog,
                                                List<String> problems) throws IOException {
        try {
            GalleryFile.Contents contents = GalleryFile.read(file);
            if (contents.gallery().dimension() != manifest.embeddingDim()
                    || contents.gallery().regionCount() != catalog.size()) {
                problems.add(GALLERY + " holds " + contents.gallery().dimension() + "-dimensional embeddings over "
                        + contents.gallery().regionCount() + " regions; the model's are " + manifest.embeddingDim()
                        + "-dimensional over " + catalog.size());
                return null;
            }
            return contents;
        } catch (GalleryException e) {
            problems.add(GALLERY + ": " + e.getMessage());
            return null;
        }
    }

    private static void checkFiles(Path directory, BundleManifest manifest, List<String> problems) throws IOException {
        Set<String> listed = new TreeSet<>(manifest.files().keySet());
        for (String name : new TreeSet<>(PAYLOAD)) {
            if (!listed.contains(name)) {
                problems.add("files: " + name + " has no sha256");
            }
        }
        for (String name : listed) {
            if (!PAYLOAD.contains(name) && !OPTIONAL.contains(name)) {
                problems.add("files: " + name + " is not part of a bundle (expected " + new TreeSet<>(PAYLOAD)
                        + ", optionally " + new TreeSet<>(OPTIONAL) + ")");
            }
        }
        BundleFile calibration = manifest.files().get(CALIBRATION);
        if (calibration != null && calibration.bytes() > BundleCalibration.MAX_BYTES) {
            problems.add(calibrationTooLarge(calibration.bytes()));
        }
        BundleFile cells = manifest.files().get(CELLS);
        if (cells != null && cells.bytes() > CellsFile.MAX_BYTES) {
            problems.add(cellsTooLarge(cells.bytes()));
        }
        TreeSet<String> bundleFiles = new TreeSet<>(PAYLOAD);
        listed.stream().filter(OPTIONAL::contains).forEach(bundleFiles::add);
        try (Stream<Path> present = Files.list(directory)) {
            present.map(p -> p.getFileName().toString())
                    .filter(name -> !name.equals(MANIFEST) && !bundleFiles.contains(name))
                    .sorted()
                    .forEach(name -> problems.add(name + " is in the bundle but not listed in " + MANIFEST));
        }
        for (String name : bundleFiles) {
            Path file = directory.resolve(name);
            BundleFile expected = manifest.files().get(name);
            if (!Files.isRegularFile(file)) {
                problems.add(name + " is missing");
            } else if (expected != null && Files.size(file) != expected.bytes()) {
                problems.add(name + " is " + Files.size(file) + " bytes, " + MANIFEST + " says " + expected.bytes()
                        + " (corrupted or altered)");
            } else if (expected != null && !expected.sha256().equals(Sha256.of(file))) {
                problems.add(name + " does not match its sha256 in " + MANIFEST + " (corrupted or altered)");
            }
        }
    }

    /**
     * Extracts an archive without trusting it: {@code bundle.json} must come first (at most 1 MiB), only the
     * bundle's own file names are accepted (so no entry can write outside the target), and each file is cut
     * off at the size the manifest declares, so a small archive cannot inflate into a full disk.
     */
    private static void unzip(Path archive, Path target) throws IOException {
        String source = archive.toString();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            ZipEntry entry = zip.getNextEntry();
            if (entry == null || !entry.getName().equals(MANIFEST)) {
                throw new BundleException(source, List.of(MANIFEST + " is missing: this is not a model bundle ("
                        + "an archive must hold " + MANIFEST + " as its first entry)"));
            }
            byte[] manifestBytes = readAtMost(zip, MAX_MANIFEST_BYTES, MANIFEST, source);
            Files.write(target.resolve(MANIFEST), manifestBytes);
            Map<String, BundleFile> declared = declaredFiles(manifestBytes, source);
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                if (!FILES.contains(name)) {
                    throw new BundleException(source, List.of("the archive holds '" + name
                            + "', which is not part of a bundle (expected " + MANIFEST + " and " + new TreeSet<>(PAYLOAD)
                            + ", optionally " + new TreeSet<>(OPTIONAL) + ")"));
                }
                Path file = target.resolve(name);
                if (Files.exists(file)) {
                    throw new BundleException(source, List.of("the archive holds '" + name + "' twice"));
                }
                BundleFile expected = declared.get(name);
                if (expected == null) {
                    throw new BundleException(source, List.of("files: " + name + " has no sha256"));
                }
                if (name.equals(GALLERY) && expected.bytes() > GalleryFile.MAX_BYTES) {
                    throw new BundleException(source, List.of(GALLERY + " is " + expected.bytes() + " bytes, more than "
                            + "the " + GalleryFile.MAX_BYTES + " a gallery may take"));
                }
                if (name.equals(CALIBRATION) && expected.bytes() > BundleCalibration.MAX_BYTES) {
                    throw new BundleException(source, List.of(calibrationTooLarge(expected.bytes())));
                }
                if (name.equals(CELLS) && expected.bytes() > CellsFile.MAX_BYTES) {
                    throw new BundleException(source, List.of(cellsTooLarge(expected.bytes())));
                }
                copyAtMost(zip, file, expected.bytes(), name, source);
            }
        } catch (java.util.zip.ZipException e) {
            throw new BundleException(source, "not a readable zip archive: " + e.getMessage(), e);
        }
    }

    /** A calibration is a few kilobytes; a huge one would slow every prediction, so it is refused before it is read. */
    private static String calibrationTooLarge(long bytes) {
        return CALIBRATION + " is " + bytes + " bytes, more than the " + BundleCalibration.MAX_BYTES
                + " a calibration may take";
    }

    private static String cellsTooLarge(long bytes) {
        return CELLS + " is " + bytes + " bytes, more than the " + CellsFile.MAX_BYTES + " a cell partition may take";
    }

    private static Map<String, BundleFile> declaredFiles(byte[] manifestBytes, String source) {
        List<String> problems = new ArrayList<>();
        BundleManifest manifest = null;
        try {
            JsonNode root = Json.MAPPER.readTree(manifestBytes);
            manifest = root != null && root.isObject() ? BundleManifest.parse(root, problems) : null;
        } catch (IOException e) {
            problems.add(MANIFEST + " is not valid JSON: " + e.getMessage());
        }
        if (manifest == null) {
            throw new BundleException(source, problems.isEmpty() ? List.of(MANIFEST + " must be a JSON object") : problems);
        }
        return manifest.files();
    }

    private static byte[] readAtMost(InputStream in, long limit, String name, String source) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        copyAtMost(in, out, limit, name, source);
        return out.toByteArray();
    }

    private static void copyAtMost(InputStream in, Path file, long limit, String name, String source) throws IOException {
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            copyAtMost(in, out, limit, name, source);
        }
    }

    /** Copies the rest of the current entry, refusing it once it passes {@code limit} bytes. */
    private static void copyAtMost(InputStream in, java.io.OutputStream out, long limit, String name, String source)
            throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = in.read(chunk)) > 0) {
            total += read;
            if (total > limit) {
                throw new BundleException(source, List.of(name + " in the archive is larger than the " + limit
                        + " bytes " + MANIFEST + " declares (corrupted or hostile)"));
            }
            out.write(chunk, 0, read);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
