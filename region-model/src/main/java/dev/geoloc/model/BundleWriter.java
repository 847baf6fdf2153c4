package dev.geoloc.model;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.retrieval.Gallery;
import dev.geoloc.retrieval.GalleryFile;
import dev.geoloc.retrieval.Retrieval;

/**
 * Writes a {@link ModelBundle}: the trainer's last step. Set every part, then {@link #write}.
 *
 * <pre>{@code
 * Path bundle = new BundleWriter("la-street", catalog)
 *         .encoder(contract, exportedEncoderFile)
 *         .head(new HeadSpec.Classifier(256, 0.1f), trainedHead)
 *         .training(Map.of("loss", "ranking", "epochs", 12))
 *         .metrics(Map.of("accuracy", 0.84))
 *         .write(Path.of("bundles/la-street-3"));
 * }</pre>
 */
public final class BundleWriter {

    private final String modelName;
    private final RegionCatalog catalog;
    private String encoderName;
    private Path encoderFile;
    private int embeddingDim;
    private Preprocessing preprocessing;
    private HeadSpec headSpec;
    private Block head;
    private CellsFile.Contents cells;
    private Map<String, Object> training = Map.of();
    private Map<String, Object> metrics = Map.of();
    private Instant created;
    private boolean reference = true;

    public BundleWriter(String modelName, RegionCatalog catalog) {
        this.modelName = Objects.requireNonNull(modelName);
        this.catalog = Objects.requireNonNull(catalog);
    }

    /** The encoder's TorchScript file and its contract (name, embedding size, preprocessing). */
    public BundleWriter encoder(EncoderContract contract, Path torchScript) {
        this.encoderName = contract.name();
        this.embeddingDim = contract.embeddingDim();
        this.preprocessing = contract.preprocessing();
        this.encoderFile = torchScript;
        return this;
    }

    /** The head and its initialised (or trained) block, whose parameters are saved. */
    public BundleWriter head(HeadSpec spec, Block block) {
        this.headSpec = spec;
        this.head = block;
        return this;
    }

    /** The cells a cell head classifies into: the head then gives {@link dev.geoloc.cells.CellPartition#headOutputs()}. */
    public BundleWriter cells(CellsFile.Contents partition) {
        if (partition.partition().regions() != catalog.size()) {
            throw new IllegalArgumentException("cells over " + partition.partition().regions() + " regions for a catalog of "
                    + catalog.size());
        }
        this.cells = partition;
        return this;
    }

    public BundleWriter training(Map<String, Object> facts) {
        this.training = Map.copyOf(facts);
        return this;
    }

    public BundleWriter metrics(Map<String, Object> results) {
        this.metrics = Map.copyOf(results);
        return this;
    }

    /** Defaults to the time of {@link #write}. */
    public BundleWriter created(Instant instant) {
        this.created = instant;
        return this;
    }

    /**
     * Writes no reference outputs, as bundles were written before they existed: for tests of such bundles, and of
     * models that could never be written with one (non-finite outputs).
     */
    BundleWriter withoutReference() {
        this.reference = false;
        return this;
    }

    /**
     * Writes the bundle into {@code directory}, which must not exist or be empty, runs it on the CPU to record its
     * {@link ReferenceOutputs}, and reopens it to check it. A model whose probe outputs are not finite is not
     * written.
     *
     * @throws NonFiniteOutputException  when the model gives non-finite outputs on the probe batch
     * @throws NumericsMismatchException when this process's numerics self-check failed, so no reference written
     *                                   here could be trusted
     */
    public Path write(Path directory) throws IOException {
        if (encoderFile == null || head == null) {
            throw new IllegalStateException("a bundle needs an encoder and a head");
        }
        Shape outputs = head.getOutputShapes(new Shape[] {new Shape(1, embeddingDim)})[0];
        int expected = cells == null ? catalog.size() : cells.partition().headOutputs();
        if (!outputs.equals(new Shape(1, expected))) {
            throw new IllegalArgumentException("the head returns " + outputs + " for one image, but " + (cells == null
                    ? "the catalog has " + catalog.size() + " regions"
                    : cells.partition().size() + " cells need " + expected + " (a logit and an offset each)"));
        }
        createEmpty(directory);
        Files.writeString(directory.resolve(ModelBundle.CATALOG), catalog.json(), StandardCharsets.UTF_8);
        Files.copy(encoderFile, directory.resolve(ModelBundle.ENCODER), StandardCopyOption.REPLACE_EXISTING);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(directory.resolve(ModelBundle.HEAD)))) {
            head.saveParameters(out);
        }
        List<String> names = new java.util.ArrayList<>(List.of(ModelBundle.CATALOG, ModelBundle.ENCODER, ModelBundle.HEAD));
        if (cells != null) {
            Files.writeString(directory.resolve(ModelBundle.CELLS), CellsFile.toJson(cells, catalog), StandardCharsets.UTF_8);
            names.add(ModelBundle.CELLS);
        }
        Map<String, BundleFile> files = new LinkedHashMap<>();
        for (String name : names) {
            Path file = directory.resolve(name);
            files.put(name, new BundleFile(Sha256.of(file), Files.size(file)));
        }
        BundleManifest manifest = new BundleManifest(modelName, created == null ? Instant.now() : created,
                catalog.ids(), catalog.hash(), encoderName, embeddingDim, EncoderPrecision.FP32, headSpec, preprocessing,
                training, metrics, files, null);
        Files.writeString(directory.resolve(ModelBundle.MANIFEST), manifest.toJson(), StandardCharsets.UTF_8);
        if (reference) {
            try {
                manifest = manifest.withNumerics(measureReference(directory));
            } catch (IOException | RuntimeException e) {
                ModelBundle.deleteTree(directory); // a bundle without its reference must not be left to look whole
                throw e;
            }
            Files.writeString(directory.resolve(ModelBundle.MANIFEST), manifest.toJson(), StandardCharsets.UTF_8);
        }
        try (ModelBundle check = ModelBundle.open(directory)) {
            return directory;
        }
    }

    /**
     * Writes a copy of {@code bundle} whose {@code calibration.json} is {@code calibration} (replacing any it had) into
     * {@code directory}, which must not exist or be empty, and reopens it to check it. The model's files are copied
     * as they are, so its reference outputs still hold; {@code bundle.json} pins the new file, so the copy has
     * another {@link ModelBundle#digest()}.
     */
    public static Path calibrated(ModelBundle bundle, BundleCalibration calibration, Path directory) throws IOException {
        if (calibration.spread().regions() != bundle.catalog().size()) {
            throw new IllegalArgumentException("a photo spread over " + calibration.spread().regions()
                    + " regions for a catalog of " + bundle.catalog().size());
        }
        return withFile(bundle, ModelBundle.CALIBRATION,
                file -> Files.writeString(file, calibration.toJson(bundle.catalog()), StandardCharsets.UTF_8), directory);
    }

    /**
     * Writes a copy of {@code bundle} whose {@code gallery.bin} holds {@code gallery} and {@code retrieval} (replacing
     * any it had), as {@link #calibrated} writes a calibration.
     */
    public static Path withGallery(ModelBundle bundle, Gallery gallery, Retrieval retrieval, Path directory)
            throws IOException {
        if (gallery.dimension() != bundle.manifest().embeddingDim() || gallery.regionCount() != bundle.catalog().size()) {
            throw new IllegalArgumentException("a gallery of " + gallery.dimension() + " dimensions over "
                    + gallery.regionCount() + " regions for a model of " + bundle.manifest().embeddingDim()
                    + " over " + bundle.catalog().size());
        }
        return withFile(bundle, ModelBundle.GALLERY, file -> GalleryFile.write(file, gallery, retrieval), directory);
    }

    /**
     * A bundle written to serve in another precision, and how far its outputs on the probe batch are from the
     * original's, measured on the same device ({@link ReferenceOutputs#difference}).
     */
    public record PrecisionCopy(Path directory, EncoderPrecision precision, double differenceFromOriginal) {
    }

    /**
     * Writes a copy of {@code bundle} that runs {@code encoder}, the same encoder exported in {@code precision}
     * ({@code trainer/scripts/export_half.py}: float32 in and out, half inside), into {@code directory}, which must
     * not exist or be empty. Head, catalog, calibration, gallery and cells are copied as they are. Its reference
     * outputs are measured on {@code device} with the precision's tolerance, as {@link #write} measures an fp32
     * bundle's on the CPU; the processor holds it to them on load. Nothing is left written unless the copy computes
     * what the original computes, on the probe batch and the same device, within {@link EncoderPrecision#HALF_TOLERANCE}
     * (for a half precision; the fp32 tolerance for fp32).
     *
     * @param device where the model runs for its reference: the device it will serve on
     * @throws BundleException           when the encoder does not load, does not fit the bundle, or computes another
     *                                   model
     * @throws NumericsMismatchException when this process's numerics self-check failed
     */
    public static PrecisionCopy withEncoder(ModelBundle bundle, Path encoder, EncoderPrecision precision, String device,
                                            Path directory) throws IOException {
        ReferenceOutputs original = measureReference(bundle.directory(), device, ReferenceOutputs.DEFAULT_TOLERANCE);
        createEmpty(directory);
        try {
            Map<String, BundleFile> files = new LinkedHashMap<>();
            for (String kept : ModelBundle.FILES) {
                if (bundle.manifest().files().containsKey(kept)) {
                    Path copy = directory.resolve(kept);
                    Files.copy(kept.equals(ModelBundle.ENCODER) ? encoder : bundle.directory().resolve(kept), copy);
                    files.put(kept, new BundleFile(Sha256.of(copy), Files.size(copy)));
                }
            }
            BundleManifest manifest = bundle.manifest().withFiles(files).withEncoderPrecision(precision).withNumerics(null);
            Files.writeString(directory.resolve(ModelBundle.MANIFEST), manifest.toJson(), StandardCharsets.UTF_8);
            ReferenceOutputs measured;
            try {
                measured = measureReference(directory, device, precision.tolerance());
            } catch (BundleException e) {
                throw new BundleException(encoder.toString(), List.of("cannot serve this bundle in "
                        + precision.label() + " on " + device + ": " + e.getMessage()));
            }
            double difference = original.difference(measured.logits(), measured.probabilities());
            if (!(difference <= precision.tolerance())) {
                throw new BundleException(encoder.toString(), List.of(String.format(java.util.Locale.ROOT,
                        "computes another model than the bundle's encoder: on the probe batch its outputs differ by %.3g,"
                                + " over the %.0g that %s allows", difference, precision.tolerance(), precision.label())));
            }
            Files.writeString(directory.resolve(ModelBundle.MANIFEST), manifest.withNumerics(measured).toJson(),
                    StandardCharsets.UTF_8);
            try (ModelBundle check = ModelBundle.open(directory)) {
                return new PrecisionCopy(directory, precision, difference);
            }
        } catch (IOException | RuntimeException e) {
            ModelBundle.deleteTree(directory); // half a bundle must not be left to look whole
            throw e;
        }
    }

    /** How one file of a bundle is written. */
    private interface FileContent {
        void writeTo(Path file) throws IOException;
    }

    /** A copy of the bundle with every file it has but {@code name} copied as it is, and {@code name} written anew. */
    private static Path withFile(ModelBundle bundle, String name, FileContent content, Path directory) throws IOException {
        createEmpty(directory);
        try {
            Map<String, BundleFile> files = new LinkedHashMap<>();
            for (String kept : ModelBundle.FILES) {
                if (!kept.equals(name) && bundle.manifest().files().containsKey(kept)) {
                    Files.copy(bundle.directory().resolve(kept), directory.resolve(kept));
                    files.put(kept, bundle.manifest().files().get(kept));
                }
            }
            Path file = directory.resolve(name);
            content.writeTo(file);
            files.put(name, new BundleFile(Sha256.of(file), Files.size(file)));
            Files.writeString(directory.resolve(ModelBundle.MANIFEST), bundle.manifest().withFiles(files).toJson(),
                    StandardCharsets.UTF_8);
            try (ModelBundle check = ModelBundle.open(directory)) {
                return directory;
            }
        } catch (IOException | RuntimeException e) {
            ModelBundle.deleteTree(directory); // half a bundle must not be left to look whole
            throw e;
        }
    }

    private static void createEmpty(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (var entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException("Bundle directory " + directory + " is not empty");
                }
            }
        }
        Files.createDirectories(directory);
    }

    /** Loads the bundle as written so far exactly as a server would, on the CPU, and runs the probe batch. */
    private static ReferenceOutputs measureReference(Path directory) throws IOException {
        return measureReference(directory, "cpu", ReferenceOutputs.DEFAULT_TOLERANCE);
    }

    private static ReferenceOutputs measureReference(Path directory, String device, double tolerance) throws IOException {
        try (ModelBundle written = ModelBundle.open(directory);
             RegionPredictor predictor = RegionPredictor.load(written, PredictorOptions.DEFAULT.withDevice(device))) {
            return predictor.measureReference(tolerance, dev.geoloc.numerics.EngineSelfCheck.ensure());
        }
    }

    /**
     * Zips a bundle directory into one file for publishing. Entries are stored in a fixed order, manifest
     * first (readers need it to bound the rest), with a fixed timestamp, so the same bundle always zips to
     * the same bytes and the same sha256.
     */
    public static Path zip(Path bundleDirectory, Path archive) throws IOException {
        try (ModelBundle bundle = ModelBundle.open(bundleDirectory);
             OutputStream file = Files.newOutputStream(archive);
             ZipOutputStream zip = new ZipOutputStream(file)) {
            List<String> names = new java.util.ArrayList<>(List.of(ModelBundle.MANIFEST));
            ModelBundle.FILES.stream().filter(bundle.manifest().files()::containsKey).forEach(names::add);
            for (String name : names) {
                ZipEntry entry = new ZipEntry(name);
                entry.setTime(0);
                zip.putNextEntry(entry);
                Files.copy(bundle.directory().resolve(name), zip);
                zip.closeEntry();
            }
        }
        return archive;
    }
}
