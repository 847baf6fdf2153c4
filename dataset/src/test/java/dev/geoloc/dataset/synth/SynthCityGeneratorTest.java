package dev.geoloc.dataset.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.Split;
import dev.geoloc.dataset.SplitPlan;
import dev.geoloc.dataset.SplitRecord;
import dev.geoloc.dataset.Splitter;
import dev.geoloc.regions.CatalogReader;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.RegionCatalog;

class SynthCityGeneratorTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();
    private static final SynthCityConfig TINY = SynthCityConfig.defaults().withLocationsPerRegion(3).withSize(48, 48);

    @TempDir
    Path dir;

    @Test
    void theSameSeedGivesByteIdenticalDatasetsWhateverTheThreadCount() throws IOException {
        Path one = dir.resolve("one");
        Path four = dir.resolve("four");
        new SynthCityGenerator(LA, TINY).generate(one, 1, (done, total) -> { });
        new SynthCityGenerator(LA, TINY).generate(four, 4, (done, total) -> { });

        assertThat(contents(four)).isEqualTo(contents(one)).hasSize(15 * 3 * 4 + 2); // manifest.csv, split.json
    }

    @Test
    void anotherSeedGivesOtherLocationsAndOtherImages() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        new SynthCityGenerator(LA, TINY).generate(a, 2, (done, total) -> { });
        new SynthCityGenerator(LA, TINY.withSeed(43)).generate(b, 2, (done, total) -> { });

        Map<String, String> first = contents(a);
        Map<String, String> second = contents(b);
        assertThat(second.keySet()).isEqualTo(first.keySet());
        for (String file : first.keySet()) {
            assertThat(second.get(file)).as(file).isNotEqualTo(first.get(file));
        }
    }

    @Test
    void everyImageIsWhereTheCollectorPutsItAndCarriesCoordinatesInsideItsRegion() throws IOException {
        GenerationResult result = new SynthCityGenerator(LA, TINY).generate(dir, 2, (done, total) -> { });
        Manifest manifest = Manifest.read(dir, LA);

        assertThat(manifest.entries()).isEqualTo(result.manifest().entries()).hasSize(15 * 3 * 4);
        assertThat(manifest.entries()).allSatisfy(entry -> {
            assertThat(LA.byId(entry.regionId()).orElseThrow().contains(entry.location())).as(entry.image()).isTrue();
            assertThat(entry.image()).matches("streetview_[a-z_]+/[a-z]+_\\d{6}_h\\d{3}\\.jpg");
            assertThat(entry.image()).endsWith(String.format("_h%03d.jpg", entry.heading()));
            BufferedImage image = ImageIO.read(manifest.resolve(entry).toFile());
            assertThat(image.getWidth()).isEqualTo(48);
            assertThat(image.getHeight()).isEqualTo(48);
        });
        assertThat(manifest.entries().get(0).image()).isEqualTo("streetview_downtown_la/dtla_000001_h000.jpg");
        assertThat(SplitRecord.read(dir)).contains(result.split());
        assertThat(result.split().describe()).startsWith("blocked (0.4 km blocks, 0.1 km buffer, seed 42): ");
    }

    @Test
    void splitsKeepEachLocationTogetherAndAreCounted() throws IOException {
        SynthCityConfig config = TINY.withLocationsPerRegion(10);
        List<ManifestEntry> entries = new SynthCityGenerator(LA, config).entries();

        assertThat(Splitter.leakingGroups(entries)).isEmpty();
        // Blocked by default: every region tests on whole blocks, none within 100 m of a training photo.
        assertThat(entries.stream().filter(e -> e.split().orElseThrow() == Split.TEST).map(ManifestEntry::regionId)
                .distinct()).hasSize(15);
        assertThat(Splitter.nearestTrainDistances(entries).values()).allSatisfy(km -> assertThat(km).isGreaterThanOrEqualTo(0.1));
        List<ManifestEntry> grouped = new SynthCityGenerator(LA, config.withSplit(SplitPlan.DEFAULT.withMode(
                SplitPlan.Mode.GROUPED))).entries();
        assertThat(grouped.stream().filter(e -> e.split().orElseThrow() == Split.TEST)).hasSize(15 * 1 * 4);
        assertThat(entries.stream().map(ManifestEntry::locationId).distinct()).hasSize(15 * 10);
        // Headings of one spot share its coordinates: they are one panorama.
        Map<String, List<LatLon>> byLocation = new TreeMap<>();
        entries.forEach(e -> byLocation.computeIfAbsent(e.locationId(), k -> new ArrayList<>()).add(e.location()));
        assertThat(byLocation.values()).allSatisfy(points -> assertThat(points).hasSize(4).containsOnly(points.get(0)));
    }

    @Test
    void headingsCanBeChosenAndTheViewChangesWithThem() {
        SynthCityGenerator generator = new SynthCityGenerator(LA, TINY.withHeadings(List.of(45, 225)));
        SynthLocation spot = generator.locations().get(0);

        assertThat(generator.entries()).hasSize(15 * 3 * 2).allSatisfy(e -> assertThat(e.heading()).isIn(45, 225));
        assertThat(pixels(generator.render(spot, 45))).isNotEqualTo(pixels(generator.render(spot, 225)));
    }

    @Test
    void worksForAnyCatalog() throws IOException {
        String json = """
                {"city": "Tiny Town", "regions": [%s, %s]}""".formatted(
                region("north_side", "ns", 48.10, 48.12, 11.50, 11.53), region("south_side", "ss", 48.05, 48.07, 11.50, 11.53));
        RegionCatalog tiny = CatalogReader.parse(json, "tiny");

        GenerationResult result = new SynthCityGenerator(tiny, TINY.withLocationsPerRegion(2)).generate(dir, 2, (d, t) -> { });

        assertThat(result.images()).isEqualTo(2 * 2 * 2);
        assertThat(Manifest.read(dir, tiny).entries()).extracting(ManifestEntry::image)
                .contains("north/ns_000001_h000.jpg", "south/ss_000002_h180.jpg");
        assertThat(result.split().images().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(8);
    }

    private static String region(String id, String prefix, double south, double north, double west, double east) {
        String corners = Stream.of(new Object[] {"southeast", south, east}, new Object[] {"southwest", south, west},
                        new Object[] {"northwest", north, west}, new Object[] {"northeast", north, east})
                .map(c -> "{\"name\": \"%s\", \"latitude\": %s, \"longitude\": %s}".formatted(c))
                .reduce((x, y) -> x + ", " + y).orElseThrow();
        return """
                {"id": "%s", "name": "%s", "description": "test", "bbox": {"corners": [%s]},
                 "sampling": {"num_samples": 10, "method": "grid", "headings": [0, 180]},
                 "output": {"directory": "%s", "prefix": "%s"},
                 "validation": {"enabled": false, "radius": 50, "max_attempts": 10}}""".formatted(
                id, id, corners, id.substring(0, 5), prefix);
    }

    static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    /** Every file under a directory, by relative path, as a hex digest of its bytes. */
    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), digest(Files.readAllBytes(file)));
            }
        }
        return files;
    }

    private static String digest(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
