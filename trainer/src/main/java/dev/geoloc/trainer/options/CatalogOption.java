package dev.geoloc.trainer.options;

import java.nio.file.Path;

import dev.geoloc.regions.CatalogReader;
import dev.geoloc.regions.RegionCatalog;
import picocli.CommandLine.Option;

/** {@code --catalog}: the regions a command works with; commands hold it with {@code @Mixin}. */
public final class CatalogOption {

    @Option(names = "--catalog", paramLabel = "FILE",
            description = "Region catalog JSON (default: the shipped 15-region Los Angeles catalog).")
    Path catalog;

    /**
     * @throws dev.geoloc.regions.CatalogException when the catalog is invalid: a failed run (exit 1), like any
     *                                             unusable input file
     */
    public RegionCatalog regions() {
        return catalog == null ? RegionCatalog.losAngeles() : CatalogReader.read(catalog);
    }
}
