package dev.geoloc.model;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

import dev.geoloc.cells.Cell;
import dev.geoloc.cells.CellPartition;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.PhotoSpread;
import dev.geoloc.regions.RegionCatalog;

/**
 * Bundles made from a built-in encoder and a freshly initialised head, seeded so they are reproducible. Public,
 * and shipped in this module's test jar, for the stream processor's tests.
 */
public final class TestBundles {

    public static final HeadSpec CLASSIFIER = new HeadSpec.Classifier(32, 0.1f);

    private TestBundles() {
    }

    public static Path untrained(Path directory, String encoder, HeadSpec spec, RegionCatalog catalog) throws IOException {
        return untrained(directory, encoder, spec, catalog, catalog.size());
    }

    /** An untrained head over an encoder exported elsewhere ({@code NAME.pt} with its contract {@code NAME.json} beside it). */
    public static Path untrained(Path directory, Path encoderFile, HeadSpec spec, RegionCatalog catalog) throws IOException {
        String name = encoderFile.getFileName().toString().replaceFirst("\\.pt$", "");
        EncoderContract contract = EncoderContract.read(encoderFile.resolveSibling(name + ".json"));
        return write(directory, contract, encoderFile, spec, catalog, catalog.size(), false, true);
    }

    /** With a head of {@code outputs} logits, which a valid bundle has one of per region. */
    public static Path untrained(Path directory, String encoder, HeadSpec spec, RegionCatalog catalog, int outputs)
            throws IOException {
        Path encoderFile = EncoderContract.copyBuiltIn(encoder, directory.resolveSibling(directory.getFileName() + ".pt"));
        return write(directory, EncoderContract.builtIn(encoder), encoderFile, spec, catalog, outputs, false, true);
    }

    /**
     * A bundle whose encoder.pt is not TorchScript, though its manifest's checksums are right. It cannot run, so it
     * has no reference outputs, like a bundle from before they existed.
     */
    public static Path corruptEncoder(Path directory, RegionCatalog catalog) throws IOException {
        Path garbage = directory.resolveSibling(directory.getFileName() + ".pt");
        java.nio.file.Files.write(garbage, "this is not a TorchScript archive".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return write(directory, EncoderContract.builtIn("tiny-cnn"), garbage, CLASSIFIER, catalog, catalog.size(), false, false);
    }

    /**
     * A bundle whose head's weights are all NaN: it loads, and every probability it gives is NaN. Such a model
     * cannot be written with reference outputs, so it has none, like a bundle from before they existed.
     */
    public static Path nanHead(Path directory, RegionCatalog catalog) throws IOException {
        Path encoderFile = EncoderContract.copyBuiltIn("tiny-cnn", directory.resolveSibling(directory.getFileName() + ".pt"));
        return write(directory, EncoderContract.builtIn("tiny-cnn"), encoderFile, CLASSIFIER, catalog, catalog.size(), true, false);
    }

    /**
     * A bundle that puts nearly all probability on the catalog's region {@code region}, whatever the image: every
     * head weight is 0 and the last layer's bias favours that region. Two such bundles differ by {@code name}, which
     * changes their bytes, not their answers.
     */
    public static Path alwaysRegion(Path directory, RegionCatalog catalog, int region, String name) throws IOException {
        Path encoderFile = EncoderContract.copyBuiltIn("tiny-cnn", directory.resolveSibling(directory.getFileName() + ".pt"));
        try (NDManager manager = NDManager.newBaseManager(InferenceDevice.ENGINE)) {
            Block head = Heads.build(CLASSIFIER, catalog.size());
            head.initialize(manager, DataType.FLOAT32, new Shape(1, EncoderContract.builtIn("tiny-cnn").embeddingDim()));
            ai.djl.nn.Parameter lastBias = null;
            for (var parameter : head.getParameters().values()) {
                parameter.getArray().setRequiresGradient(false);
                parameter.getArray().muli(0);
                if (parameter.getName().contains("bias")) {
                    lastBias = parameter;
                }
            }
            lastBias.getArray().set(new ai.djl.ndarray.index.NDIndex(region), 20f);
            return new BundleWriter(name, catalog)
                    .encoder(EncoderContract.builtIn("tiny-cnn"), encoderFile)
                    .head(CLASSIFIER, head)
                    .training(Map.of("loss", "none", "epochs", 0))
                    .metrics(Map.of("accuracy", 0.0))
                    .created(Instant.parse("2026-11-25T00:00:00Z"))
                    .write(directory);
        }
    }

    /**
     * {@code perRegion} cells in each region, on a ring 0.6 km around its center, each with an offset bound of
     * 0.3 km: what the trainer's clustering might make of photos spread around the centers.
     */
    public static CellsFile.Contents cells(RegionCatalog catalog, int perRegion) {
        List<Cell> cells = new ArrayList<>();
        for (int j = 0; j < catalog.size(); j++) {
            for (int k = 0; k < perRegion; k++) {
                cells.add(new Cell(j, Geodesy.destination(catalog.center(j), 360.0 * k / perRegion, 0.6), 0.3));
            }
        }
        return new CellsFile.Contents(new CellPartition(cells, catalog.size()),
                perRegion + " cells on a ring 0.6 km around each center");
    }

    /** An untrained tiny-cnn bundle whose head classifies {@link #cells} of {@code perRegion} per region. */
    public static Path withCells(Path directory, RegionCatalog catalog, int perRegion) throws IOException {
        EncoderContract contract = EncoderContract.builtIn("tiny-cnn");
        Path encoderFile = EncoderContract.copyBuiltIn("tiny-cnn", directory.resolveSibling(directory.getFileName() + ".pt"));
        CellsFile.Contents cells = cells(catalog, perRegion);
        try (NDManager manager = NDManager.newBaseManager(InferenceDevice.ENGINE)) {
            Engine.getEngine(InferenceDevice.ENGINE).setRandomSeed(7);
            Block head = Heads.build(CLASSIFIER, cells.partition().headOutputs());
            head.initialize(manager, DataType.FLOAT32, new Shape(1, contract.embeddingDim()));
            return new BundleWriter("test-cells", catalog)
                    .encoder(contract, encoderFile)
                    .head(CLASSIFIER, head)
                    .cells(cells)
                    .training(Map.of("loss", "cells", "epochs", 0))
                    .metrics(Map.of("accuracy", 0.0))
                    .created(Instant.parse("2026-12-05T00:00:00Z"))
                    .write(directory);
        }
    }

    private static Path write(Path directory, EncoderContract contract, Path encoderFile, HeadSpec spec,
                              RegionCatalog catalog, int outputs, boolean nan, boolean reference) throws IOException {
        try (NDManager manager = NDManager.newBaseManager(InferenceDevice.ENGINE)) {
            Engine.getEngine(InferenceDevice.ENGINE).setRandomSeed(7);
            Block head = Heads.build(spec, outputs);
            head.initialize(manager, DataType.FLOAT32, new Shape(1, contract.embeddingDim()));
            if (nan) {
                head.getParameters().values().forEach(parameter -> {
                    parameter.getArray().setRequiresGradient(false); // an in-place change of a leaf that records gradients fails
                    parameter.getArray().muli(Float.NaN);
                });
            }
            BundleWriter writer = new BundleWriter("test-model", catalog);
            if (!reference) {
                writer.withoutReference();
            }
            return writer
                    .encoder(contract, encoderFile)
                    .head(spec, head)
                    .training(Map.of("loss", "none", "epochs", 0))
                    .metrics(Map.of("accuracy", 0.0))
                    .created(Instant.parse("2026-11-25T00:00:00Z"))
                    .write(directory);
        }
    }

    /**
     * A calibration at {@code temperature} whose photos lie on a ring of 8 points 0.5 km around each region's center,
     * as if fitted on 100 validation images.
     */
    public static BundleCalibration calibration(RegionCatalog catalog, double temperature) {
        List<List<LatLon>> points = new ArrayList<>();
        for (int j = 0; j < catalog.size(); j++) {
            List<LatLon> ring = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                ring.add(Geodesy.destination(catalog.center(j), 45 * k, 0.5));
            }
            points.add(ring);
        }
        return new BundleCalibration(temperature, new BundleCalibration.Fit("test-data", "validation", 100, 1.5, 1.2),
                "a ring of 8 points 0.5 km around each center", new PhotoSpread(points));
    }

    /** A copy of {@code bundle} in {@code directory} with {@link #calibration} at {@code temperature}. */
    public static Path calibrated(Path bundle, Path directory, double temperature) throws IOException {
        try (ModelBundle opened = ModelBundle.open(bundle)) {
            return BundleWriter.calibrated(opened, calibration(opened.catalog(), temperature), directory);
        }
    }

    /** Removes the reference outputs from a bundle directory: the bundle as written before they existed. */
    public static Path withoutReference(Path bundle) throws IOException {
        return editManifest(bundle, root -> root.remove("numerics"));
    }

    /**
     * Moves every reference logit of a bundle directory by {@code relativeShift} times the largest one, as a bundle
     * whose reference was computed by a runtime that got it wrong (or a machine computing it wrong) would be.
     */
    public static Path withReferenceShifted(Path bundle, double relativeShift) throws IOException {
        return editManifest(bundle, root -> {
            com.fasterxml.jackson.databind.JsonNode logits = root.path("numerics").path("logits");
            double scale = 0;
            for (com.fasterxml.jackson.databind.JsonNode row : logits) {
                for (com.fasterxml.jackson.databind.JsonNode value : row) {
                    scale = Math.max(scale, Math.abs(value.asDouble()));
                }
            }
            for (com.fasterxml.jackson.databind.JsonNode row : logits) {
                com.fasterxml.jackson.databind.node.ArrayNode values = (com.fasterxml.jackson.databind.node.ArrayNode) row;
                for (int j = 0; j < values.size(); j++) {
                    values.set(j, values.get(j).asDouble() + relativeShift * scale);
                }
            }
        });
    }

    private static Path editManifest(Path bundle, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> edit)
            throws IOException {
        Path manifest = bundle.resolve(ModelBundle.MANIFEST);
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(manifest.toFile());
        edit.accept(root);
        java.nio.file.Files.writeString(manifest, Json.MAPPER.writeValueAsString(root));
        return bundle;
    }
}
