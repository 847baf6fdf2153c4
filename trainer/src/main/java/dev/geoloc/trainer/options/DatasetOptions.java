package dev.geoloc.trainer.options;

import java.io.IOException;
import java.nio.file.Path;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.SplitRecord;
import dev.geoloc.regions.RegionCatalog;
import picocli.CommandLine.Option;

/** {@code --dataset}: the dataset a command reads, and how it was split; commands hold it with {@code @Mixin}. */
public final class DatasetOptions {

    @Option(names = "--dataset", required = true, paramLabel = "DIR",
            description = "Dataset folder with manifest.csv (synth or collect write one), or the manifest itself.")
    Path dataset;

    public Path dataset() {
        return dataset;
    }

    /** @param regions the catalog whose regions the manifest must name; null to accept any */
    public Manifest manifest(RegionCatalog regions) throws IOException {
        return Manifest.read(dataset, regions);
    }

    /** How the dataset was split, from its {@code split.json}, for reports: a split says what a test score means. */
    public String splitDescription() throws IOException {
        return SplitRecord.read(dataset).map(SplitRecord::describe).orElse("unknown (no split.json)");
    }

    /** The dataset's folder name, which training records carry. */
    public String name() {
        Path folder = dataset.toAbsolutePath().normalize();
        return (folder.getFileName().toString().endsWith(".csv") ? folder.getParent() : folder).getFileName().toString();
    }
}
