package dev.geoloc.trainer.options;

import java.io.IOException;
import java.nio.file.Path;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.regions.CatalogReader;
import dev.geoloc.regions.RegionCatalog;
import picocli.CommandLine.Option;

/**
 * {@code --dataset} and {@code --catalog}: the dataset a command reads and the regions its manifest names. They come
 * together because a manifest is read against a catalog.
 */
public final class DatasetOptions {

    @Option(names = "--dataset", required = true, paramLabel = "DIR",
            description = "Dataset folder with manifest.csv (synth or collect write one), or the manifest itself.")
    Path dataset;

    @Option(names = "--catalog", paramLabel = "FILE",
            description = "Region catalog (default: the shipped Los Angeles catalog).")
    Path catalog;

    public Path dataset() {
        return dataset;
    }

    public RegionCatalog regions() throws IOException {
        return catalog == null ? RegionCatalog.losAngeles() : CatalogReader.read(catalog);
    }

    public Manifest manifest(RegionCatalog regions) throws IOException {
        return Manifest.read(dataset, regions);
    }

    /** The dataset's folder name, which training records carry. */
    public String name() {
        Path folder = dataset.toAbsolutePath().normalize();
        return (folder.getFileName().toString().endsWith(".csv") ? folder.getParent() : folder).getFileName().toString();
    }
}
