package dev.geoloc.trainer.synth;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Splitter;
import dev.geoloc.dataset.synth.ContactSheet;
import dev.geoloc.dataset.synth.GenerationResult;
import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.console.ProgressLine;
import dev.geoloc.trainer.options.CatalogOption;
import dev.geoloc.trainer.options.SplitOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code geoloc-trainer synth}: writes a SynthCity dataset, synthetic street photos with true
 * coordinates, for tests, demos and benchmarks where no Street View data may be used.
 */
@Command(name = "synth",
        mixinStandardHelpOptions = true,
        description = {"Generates a SynthCity dataset: SYNTHETIC street photos rendered from smooth random fields over",
                "the catalog's real coordinates, with a manifest.csv, spatially blocked splits and split.json.",
                "Same options, same bytes."})
public final class SynthCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CatalogOption catalog;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write the dataset into.")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for locations, per-photo chance and splits (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--city-seed", defaultValue = "1", description = "Seed of the synthetic city's look itself (default: ${DEFAULT-VALUE}).")
    long citySeed;

    @Option(names = "--locations-per-region", defaultValue = "100", paramLabel = "N",
            description = "Spots per region, each photographed at every heading (default: ${DEFAULT-VALUE}).")
    int locationsPerRegion;

    @Option(names = "--size", defaultValue = "128", paramLabel = "PIXELS", description = "Image width and height, 16 to 1024 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--headings", split = ",", paramLabel = "DEG",
            description = "Headings in degrees, comma-separated (default: each region's sampling headings).")
    List<Integer> headings = List.of();

    @Option(names = "--noise", defaultValue = "1.0", description = "Per-photo variation of light, pose and grain, 0 to 3 (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--jpeg-quality", defaultValue = "90", paramLabel = "Q", description = "JPEG quality, 1 to 100 (default: ${DEFAULT-VALUE}).")
    int jpegQuality;

    @Option(names = "--fractions", defaultValue = "0.8,0.1,0.1", paramLabel = "TRAIN,VAL,TEST",
            description = "Train, validation and test fractions by location (default: ${DEFAULT-VALUE}).")
    String fractions;

    @Mixin
    SplitOptions split;

    @Option(names = "--threads", paramLabel = "N", description = "Rendering threads (default: all cores). Does not change the output.")
    Integer threads;

    @Option(names = "--contact-sheet", paramLabel = "PNG",
            description = "Also write an overview PNG: one row per region, its first location at each heading.")
    Path contactSheet;

    @Override
    public Integer call() throws Exception {
        SynthCityConfig config = config();
        RegionCatalog regions = catalog.regions();
        PrintWriter console = spec.commandLine().getOut();
        console.printf(Locale.ROOT, "SynthCity: %d regions of %s x %d locations, %dx%d px, seed %d, city seed %d -> %s%n",
                regions.size(), regions.city(), locationsPerRegion, size, size, seed, citySeed, out);
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        GenerationResult result = new SynthCityGenerator(regions, config).generate(out, workers, new Drawing(console));
        console.printf(Locale.ROOT, "%nWrote %d images and %s in %.1f s: %.0f images/s%nsplit: %s%n",
                result.images(), out.resolve(Manifest.FILE_NAME), result.elapsed().toMillis() / 1000.0,
                result.imagesPerSecond(), result.split().describe());
        if (contactSheet != null) {
            ContactSheet.write(regions, config, contactSheet);
            console.println("Contact sheet: " + contactSheet);
        }
        console.flush();
        return 0;
    }

    private SynthCityConfig config() {
        if (threads != null && threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1");
        }
        try {
            return new SynthCityConfig(seed, citySeed, locationsPerRegion, headings, size, size, jpegQuality, noise,
                    split.plan(fractions()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Splitter.Fractions fractions() {
        String[] parts = fractions.split(",");
        try {
            if (parts.length != 3) {
                throw new NumberFormatException();
            }
            return new Splitter.Fractions(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
                    Double.parseDouble(parts[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--fractions must be three numbers TRAIN,VAL,TEST, not '" + fractions + "'");
        }
    }

    /** The generator's progress on one {@link ProgressLine}, made when the generator first says its total. */
    private static final class Drawing implements SynthCityGenerator.Progress {

        private final PrintWriter console;
        private ProgressLine line;

        Drawing(PrintWriter console) {
            this.console = console;
        }

        @Override
        public synchronized void imagesDone(int done, int total) {
            if (line == null) {
                line = ProgressLine.of(console, "drawing", "images", total);
            }
            line.update(done);
        }
    }
}
