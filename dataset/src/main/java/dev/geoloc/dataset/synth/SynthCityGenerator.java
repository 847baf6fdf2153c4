package dev.geoloc.dataset.synth;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.SplitRecord;
import dev.geoloc.regions.BoundingBox;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;

/**
 * Generates a SynthCity dataset over a catalog: draws locations uniformly in each region's box, renders
 * one photo per heading, writes the JPEGs where the Street View collector would
 * ({@code <out>/<region directory>/<prefix>_<n>_h<heading>.jpg}), a {@code manifest.csv} split as the
 * config says (blocked by default) and the split's record, {@code split.json}.
 *
 * <p>Deterministic: every random draw is seeded from the config's seed and the identity of what is drawn
 * (region id, location number, heading), so the output is byte-identical whatever the thread count.
 */
public final class SynthCityGenerator {

    /** Told after each image, from the rendering threads. */
    @FunctionalInterface
    public interface Progress {
        void imagesDone(int done, int total);
    }

    private final RegionCatalog catalog;
    private final SynthCityConfig config;
    private final StreetSceneRenderer renderer;

    public SynthCityGenerator(RegionCatalog catalog, SynthCityConfig config) {
        this.catalog = catalog;
        this.config = config;
        this.renderer = new StreetSceneRenderer(new CityFields(config.citySeed()), config.width(), config.height(),
                config.noise());
    }

    /** The spots to photograph, region by region in catalog order. */
    public List<SynthLocation> locations() {
        List<SynthLocation> locations = new ArrayList<>();
        for (Region region : catalog.regions()) {
            SplittableRandom random = new SplittableRandom(Seeds.derive(config.seed(), Seeds.of(region.id())));
            BoundingBox box = region.bbox();
            for (int n = 1; n <= config.locationsPerRegion(); n++) {
                double latitude = within(box.south() + random.nextDouble() * (box.north() - box.south()),
                        box.south(), box.north());
                double longitude = within(box.west() + random.nextDouble() * (box.east() - box.west()),
                        box.west(), box.east());
                locations.add(new SynthLocation(region, n, new LatLon(latitude, longitude)));
            }
        }
        return locations;
    }

    /** The photo of a location at a heading, as the dataset holds it before JPEG compression. */
    public BufferedImage render(SynthLocation location, int heading) {
        return renderer.render(shot(location, heading));
    }

    /** The manifest rows of the whole dataset, splits assigned, in a fixed order. */
    public List<ManifestEntry> entries() {
        return config.split().apply(unsplitEntries(), config.seed());
    }

    private List<ManifestEntry> unsplitEntries() {
        List<ManifestEntry> entries = new ArrayList<>();
        for (SynthLocation location : locations()) {
            for (int heading : config.headingsFor(location.region())) {
                entries.add(new ManifestEntry(location.imagePath(heading), location.point(), location.region().id(),
                        heading, location.id(), Optional.empty()));
            }
        }
        return entries;
    }

    /**
     * Renders and writes every image and the manifest under {@code out}, on {@code threads} threads.
     *
     * @throws IOException              when an image or the manifest cannot be written
     * @throws IllegalArgumentException when the split cannot be drawn (a blocked split with too few blocks in a
     *                                  region), before any image is rendered
     */
    public GenerationResult generate(Path out, int threads, Progress progress) throws IOException {
        long start = System.nanoTime();
        List<ManifestEntry> unsplit = unsplitEntries();
        Manifest manifest = new Manifest(out, config.split().apply(unsplit, config.seed())); // fails before rendering
        List<Job> jobs = new ArrayList<>();
        for (SynthLocation location : locations()) {
            for (int heading : config.headingsFor(location.region())) {
                jobs.add(new Job(location, heading));
            }
        }
        for (Region region : catalog.regions()) {
            Files.createDirectories(out.resolve(region.output().directory()));
        }
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> {
                    write(out, job);
                    progress.imagesDone(done.incrementAndGet(), jobs.size());
                }));
            }
            for (Future<?> future : futures) {
                await(future);
            }
        } finally {
            pool.shutdownNow();
        }
        manifest.write();
        SplitRecord split = SplitRecord.of(config.split(), config.seed(), unsplit, manifest.entries());
        split.write(out);
        return new GenerationResult(manifest, split, Duration.ofNanos(System.nanoTime() - start));
    }

    private record Job(SynthLocation location, int heading) {
    }

    private void write(Path out, Job job) {
        byte[] jpeg = JpegEncoder.encode(render(job.location(), job.heading()), config.jpegQuality());
        try {
            Files.write(out.resolve(job.location().imagePath(job.heading())), jpeg);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Shot shot(SynthLocation location, int heading) {
        long seed = Seeds.derive(config.seed(), Seeds.of(location.region().id()), location.number(), heading);
        return new Shot(location.point(), heading, seed);
    }

    private static void await(Future<?> future) throws IOException {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Rounds to the manifest's 7 decimals, staying inside the box's closed range. */
    private static double within(double value, double low, double high) {
        return Math.max(low, Math.min(high, Math.round(value * 1e7) / 1e7));
    }
}
