package dev.geoloc.trainer.collect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.Split;
import dev.geoloc.dataset.SplitPlan;
import dev.geoloc.dataset.SplitRecord;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;

/**
 * Collects a Street View dataset region by region. For each candidate point ({@link GridSampler}) it looks up
 * the nearest panorama and accepts it when the lookup is OK, the panorama lies within the region's radius of the
 * point and inside the region's box, and no region has taken it yet; it then downloads one image per heading.
 * A region stops at its number of samples or its {@code max_attempts} lookups, whichever comes first.
 *
 * <p>Everything is journaled ({@link CollectionJournal}) before images are fetched, and images are written
 * atomically, so a run can stop anywhere and the next one resumes without repeating a lookup or an image.
 * The manifest is rewritten at the end of every run from the journal: the panoramas' true positions, the
 * panorama id as location group, and splits (blocked by default, see {@link SplitPlan}), with
 * {@code split.json} beside it saying how.
 */
public final class StreetViewCollector {

    private final StreetViewClient client;
    private final Path out;
    private final ProgressReporter progress;

    public StreetViewCollector(StreetViewClient client, Path outputDirectory, ProgressReporter progress) {
        this.client = client;
        this.out = outputDirectory;
        this.progress = progress;
    }

    /**
     * @param regions   the regions to collect now (the manifest still covers every region in the directory)
     * @param samples   panoramas per region, instead of each region's {@code num_samples}
     * @param split     how to split the panoramas that have no split yet
     * @param splitSeed seed of the train/validation/test assignment
     */
    public CollectionResult collect(RegionCatalog catalog, List<Region> regions, OptionalInt samples, SplitPlan split,
                                    long splitSeed) throws IOException, InterruptedException {
        try (CollectionJournal journal = CollectionJournal.open(out)) {
            requireKnownRegions(journal, catalog);
            Set<String> taken = new HashSet<>();
            for (Attempt attempt : journal.attempts()) {
                if (attempt.outcome() == Outcome.ACCEPTED) {
                    taken.add(attempt.panoId());
                }
            }
            progress.start(regions.stream()
                    .mapToInt(r -> Math.max(0, target(r, samples) - count(journal, r, Outcome.ACCEPTED))).sum());
            Map<String, Integer> downloaded = new HashMap<>();
            for (Region region : regions) {
                downloaded.put(region.id(), collectRegion(journal, region, target(region, samples), taken));
            }
            List<RegionReport> reports = new ArrayList<>();
            for (Region region : regions) {
                reports.add(report(journal, region, target(region, samples), downloaded.get(region.id())));
            }
            return writeManifest(journal, reports, split, splitSeed);
        }
    }

    /** Collects one region up to its target; returns the number of images downloaded. */
    private int collectRegion(CollectionJournal journal, Region region, int target, Set<String> taken)
            throws IOException, InterruptedException {
        Set<LatLon> tried = new HashSet<>();
        int accepted = 0;
        int downloaded = 0;
        for (Attempt earlier : of(journal, region)) {
            tried.add(earlier.candidate());
            if (earlier.outcome() == Outcome.ACCEPTED) {
                accepted++;
                downloaded += download(earlier); // finishes a panorama that a crash interrupted
            }
        }
        int attempts = tried.size();
        int maxAttempts = region.validation().maxAttempts();
        Iterator<LatLon> candidates = GridSampler.candidates(region.bbox(), target).iterator();
        while (accepted < target && attempts < maxAttempts) {
            LatLon point = candidates.next();
            if (!tried.add(point)) {
                continue;
            }
            PanoramaMetadata metadata = client.metadata(point, region.validation().radiusMetres());
            Attempt attempt = judge(region, point, metadata, taken, accepted + 1);
            journal.append(attempt);
            attempts++;
            if (attempt.outcome() == Outcome.ACCEPTED) {
                taken.add(attempt.panoId());
                accepted++;
                downloaded += download(attempt);
                progress.panoramaAccepted();
            }
            progress.report(region.id(), accepted, target, attempts, client.requests(), false);
        }
        progress.report(region.id(), accepted, target, attempts, client.requests(), true);
        return downloaded;
    }

    /**
     * The acceptance rules, in order: a panorama found, not taken yet, within the radius of the point (unless the
     * region disables validation), inside the region's box. {@code number} is the panorama's ordinal in its
     * region, which names its image files ({@code prefix_000042_h090.jpg}) the way the study's datasets are laid out.
     */
    static Attempt judge(Region region, LatLon point, PanoramaMetadata metadata, Set<String> taken, int number) {
        if (metadata.status() != MetadataStatus.OK) {
            return new Attempt(region.id(), point, Outcome.ZERO_RESULTS, null, null, null, List.of());
        }
        LatLon panorama = metadata.location();
        Outcome outcome;
        if (taken.contains(metadata.panoId())) {
            outcome = Outcome.DUPLICATE; // checked first: a panorama taken once is never taken again, wherever it lies
        } else if (region.validation().enabled()
                && Geodesy.haversineKm(point, panorama) * 1000 > region.validation().radiusMetres()) {
            outcome = Outcome.OUT_OF_RADIUS;
        } else if (!region.contains(panorama)) {
            outcome = Outcome.OUTSIDE_REGION;
        } else {
            outcome = Outcome.ACCEPTED;
        }
        List<Attempt.ImageFile> images = new ArrayList<>();
        if (outcome == Outcome.ACCEPTED) {
            for (int heading : region.sampling().headings()) {
                images.add(new Attempt.ImageFile(heading, String.format(Locale.ROOT, "%s/%s_%06d_h%03d.jpg",
                        region.output().directory(), region.output().prefix(), number, heading)));
            }
        }
        return new Attempt(region.id(), point, outcome, metadata.panoId(), panorama, metadata.date().orElse(null), images);
    }

    /** Downloads the accepted panorama's images that are not on disk yet: an image is paid for once. */
    private int download(Attempt attempt) throws IOException, InterruptedException {
        int downloaded = 0;
        for (Attempt.ImageFile image : attempt.images()) {
            Path target = out.resolve(image.file());
            if (Files.exists(target)) {
                continue;
            }
            byte[] jpeg = client.image(attempt.panoId(), image.heading());
            Files.createDirectories(target.getParent());
            // Written beside the target, forced to disk and moved into place: a file under the final name is
            // whole even after a power cut, and resume trusts any file under its final name.
            Path partial = target.resolveSibling(target.getFileName() + ".part");
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(partial,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                    java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(jpeg));
                channel.force(true);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            downloaded++;
        }
        return downloaded;
    }

    /**
     * The manifest of every complete panorama in the directory, all regions, split as the plan says, and its
     * {@link SplitRecord}. Panoramas that an earlier run's manifest already placed keep their split (unless the
     * plan is naive), so collecting more never moves a training image into the test set.
     */
    private CollectionResult writeManifest(CollectionJournal journal, List<RegionReport> reports, SplitPlan split,
                                           long splitSeed) throws IOException {
        Map<String, Split> earlier = earlierSplits();
        List<ManifestEntry> entries = new ArrayList<>();
        int incomplete = 0;
        for (Attempt attempt : journal.attempts()) {
            if (attempt.outcome() != Outcome.ACCEPTED) {
                continue;
            }
            if (!attempt.images().stream().allMatch(image -> Files.exists(out.resolve(image.file())))) {
                incomplete++;
                continue;
            }
            for (Attempt.ImageFile image : attempt.images()) {
                entries.add(new ManifestEntry(image.file(), attempt.panorama(), attempt.region(), image.heading(),
                        attempt.panoId(), Optional.ofNullable(earlier.get(attempt.panoId()))));
            }
        }
        Manifest manifest = new Manifest(out, split.apply(entries, splitSeed));
        Path written = manifest.write();
        SplitRecord.of(split, splitSeed, entries, manifest.entries()).write(out);
        return new CollectionResult(reports, written, entries.size(), incomplete);
    }

    private Map<String, Split> earlierSplits() throws IOException {
        Map<String, Split> splits = new HashMap<>();
        if (Files.exists(out.resolve(Manifest.FILE_NAME))) {
            for (ManifestEntry entry : Manifest.read(out, null).entries()) {
                entry.split().ifPresent(split -> splits.putIfAbsent(entry.locationId(), split));
            }
        }
        return splits;
    }

    private RegionReport report(CollectionJournal journal, Region region, int target, int downloaded) {
        int images = 0;
        for (Attempt attempt : of(journal, region)) {
            images += (int) attempt.images().stream().filter(image -> Files.exists(out.resolve(image.file()))).count();
        }
        return new RegionReport(region.id(), target, region.validation().maxAttempts(),
                count(journal, region, Outcome.ACCEPTED), of(journal, region).size(),
                count(journal, region, Outcome.ZERO_RESULTS), count(journal, region, Outcome.OUT_OF_RADIUS),
                count(journal, region, Outcome.OUTSIDE_REGION), count(journal, region, Outcome.DUPLICATE),
                images, downloaded);
    }

    private static void requireKnownRegions(CollectionJournal journal, RegionCatalog catalog) throws IOException {
        for (Attempt attempt : journal.attempts()) {
            if (catalog.byId(attempt.region()).isEmpty()) {
                throw new IOException("The journal in this directory holds region '" + attempt.region() + "', which the "
                        + catalog.city() + " catalog lacks: resume with the catalog it was collected with");
            }
        }
    }

    private static int target(Region region, OptionalInt samples) {
        return samples.orElse(region.sampling().numSamples());
    }

    private static List<Attempt> of(CollectionJournal journal, Region region) {
        return journal.attempts().stream().filter(a -> a.region().equals(region.id())).toList();
    }

    private static int count(CollectionJournal journal, Region region, Outcome outcome) {
        return (int) of(journal, region).stream().filter(a -> a.outcome() == outcome).count();
    }
}
