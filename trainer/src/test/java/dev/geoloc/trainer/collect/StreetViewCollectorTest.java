package dev.geoloc.trainer.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.ManifestEntry;
import dev.geoloc.dataset.Split;
import dev.geoloc.dataset.SplitPlan;
import dev.geoloc.dataset.SplitRecord;
import dev.geoloc.dataset.Splitter;
import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.collect.FakeStreetView.Answer;
import dev.geoloc.trainer.collect.FakeStreetView.Fault;

class StreetViewCollectorTest {

    private final RegionCatalog catalog = TestRegions.catalog();
    private final Region alpha = catalog.byId("alpha").orElseThrow();
    private final Region beta = catalog.byId("beta").orElseThrow();
    private final List<LatLon> alphaGrid = GridSampler.grid(alpha.bbox(), 4);
    private final List<LatLon> betaGrid = GridSampler.grid(beta.bbox(), 4);
    private final StringWriter progress = new StringWriter();

    @TempDir
    Path out;
    private FakeStreetView fake;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeStreetView();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private CollectionResult collect(OptionalInt samples, Region... regions) throws Exception {
        StreetViewClient.Settings settings = new StreetViewClient.Settings(fake.baseUrl(), FakeStreetView.KEY,
                Duration.ofSeconds(5), new RetryPolicy(1, Duration.ZERO, Duration.ZERO), new ImageSize(640, 640), 90);
        StreetViewClient client = new StreetViewClient(settings,
                new RateLimiter(1000, 1, System::nanoTime, Sleeper.SYSTEM), d -> { }, new Random(1));
        StreetViewCollector collector = new StreetViewCollector(client, out,
                new ProgressReporter(new PrintWriter(progress), System::nanoTime, Duration.ofSeconds(5)));
        return collector.collect(catalog, List.of(regions), samples, SplitPlan.DEFAULT, 42);
    }

    private CollectionResult collect(Region... regions) throws Exception {
        return collect(OptionalInt.empty(), regions);
    }

    private static RegionReport report(CollectionResult result, String region) {
        return result.regions().stream().filter(r -> r.region().equals(region)).findFirst().orElseThrow();
    }

    private Manifest manifest() throws IOException {
        return Manifest.read(out, catalog);
    }

    private static String panoOf(LatLon point) {
        return FakeStreetView.defaultPanorama(point).panoId();
    }

    @Test
    void writesImagesAndAManifestWithThePanoramasTruePositions() throws Exception {
        CollectionResult result = collect(alpha);

        assertThat(report(result, "alpha")).isEqualTo(new RegionReport("alpha", 4, 8, 4, 4, 0, 0, 0, 0, 8, 8));
        Manifest manifest = manifest();
        assertThat(manifest.entries()).hasSize(8);
        assertThat(manifest.entries()).extracting(ManifestEntry::image).startsWith(
                "streetview_alpha/al_000001_h000.jpg", "streetview_alpha/al_000001_h180.jpg",
                "streetview_alpha/al_000002_h000.jpg");
        Map<String, ManifestEntry> byPano = manifest.entries().stream()
                .collect(Collectors.toMap(ManifestEntry::locationId, Function.identity(), (a, b) -> a));
        for (LatLon point : alphaGrid) {
            LatLon camera = FakeStreetView.defaultPanorama(point).location();
            LatLon recorded = byPano.get(panoOf(point)).location();
            // The panorama's coordinates, 5 m from the sampled point, to the manifest's 7 decimals.
            assertThat(Geodesy.haversineKm(recorded, camera) * 1000).isLessThan(0.05);
            assertThat(Geodesy.haversineKm(recorded, point) * 1000).isCloseTo(5, within(0.1));
        }
        for (ManifestEntry entry : manifest.entries()) {
            assertThat(Files.readAllBytes(manifest.resolve(entry))).isEqualTo(FakeStreetView.JPEG);
            assertThat(entry.split()).isPresent();
        }
        assertThat(Splitter.leakingGroups(manifest.entries())).isEmpty();
        assertThat(Splitter.nearestTrainDistances(manifest.entries()).values())
                .allSatisfy(km -> assertThat(km).isGreaterThanOrEqualTo(SplitPlan.DEFAULT.blocks().bufferKm()));
        assertThat(SplitRecord.read(out).orElseThrow().describe())
                .isEqualTo(SplitRecord.of(SplitPlan.DEFAULT, 42, manifest.entries().stream()
                        .map(e -> new ManifestEntry(e.image(), e.location(), e.regionId(), e.heading(), e.locationId(),
                                Optional.empty())).toList(), manifest.entries()).describe())
                .startsWith("blocked (0.4 km blocks, 0.1 km buffer, seed 42): ");
        assertThat(fake.imagesServed()).hasSize(8).allSatisfy((image, count) -> assertThat(count).isOne());
        assertThat(progress.toString()).contains("[alpha] 4/4 panoramas, 4 lookups");
    }

    @Test
    void replacesPointsWithoutAUsablePanoramaUpToTheTarget() throws Exception {
        fake.answer(alphaGrid.get(1), Answer.none());
        fake.answer(alphaGrid.get(2), Answer.panorama("far-away", Geodesy.destination(alphaGrid.get(2), 90, 0.080)));

        RegionReport report = report(collect(alpha), "alpha");

        assertThat(report).isEqualTo(new RegionReport("alpha", 4, 8, 4, 6, 1, 1, 0, 0, 8, 8));
        assertThat(manifest().entries()).extracting(ManifestEntry::locationId).containsOnly(
                panoOf(alphaGrid.get(0)), panoOf(alphaGrid.get(3)),
                panoOf(GridSampler.replacement(alpha.bbox(), 1)), panoOf(GridSampler.replacement(alpha.bbox(), 2)));
        assertThat(fake.imagesServed()).doesNotContainKey("far-away@0");
    }

    @Test
    void rejectsAPanoramaOutsideTheRegionsBox() throws Exception {
        // 300 m north of beta's top row: inside beta's 400 m radius, but across its northern edge.
        fake.answer(betaGrid.get(0), Answer.panorama("over-the-edge", Geodesy.destination(betaGrid.get(0), 0, 0.300)));

        RegionReport report = report(collect(beta), "beta");

        assertThat(report.outsideRegion()).isEqualTo(1);
        assertThat(report.accepted()).isEqualTo(4);
        assertThat(manifest().entries()).extracting(ManifestEntry::locationId).doesNotContain("over-the-edge");
    }

    @Test
    void stopsAtMaxAttempts() throws Exception {
        fake.everyPointEmpty();

        CollectionResult result = collect(alpha);

        assertThat(report(result, "alpha")).isEqualTo(new RegionReport("alpha", 4, 8, 0, 8, 8, 0, 0, 0, 0, 0));
        assertThat(report(result, "alpha").shortOfTarget()).isTrue();
        assertThat(fake.metadataRequests()).isEqualTo(8);
        assertThat(manifest().entries()).isEmpty();
    }

    @Test
    void takesEachPanoramaOnceWithinAndAcrossRegions() throws Exception {
        // Beta's two top grid points are 460 m apart; with its 400 m radius both reach a panorama between them.
        LatLon between = new LatLon(betaGrid.get(0).latitude(),
                (betaGrid.get(0).longitude() + betaGrid.get(1).longitude()) / 2);
        fake.answer(betaGrid.get(0), Answer.panorama("shared", between));
        fake.answer(betaGrid.get(1), Answer.panorama("shared", between));
        // And one of beta's points answers with a panorama alpha has already taken.
        fake.answer(betaGrid.get(2), FakeStreetView.defaultPanorama(alphaGrid.get(0)));

        CollectionResult result = collect(alpha, beta);

        assertThat(report(result, "beta")).isEqualTo(new RegionReport("beta", 4, 8, 4, 6, 0, 0, 0, 2, 8, 8));
        Manifest manifest = manifest();
        assertThat(manifest.entries()).hasSize(16);
        assertThat(manifest.entries().stream().map(ManifestEntry::locationId).distinct()).hasSize(8);
        assertThat(fake.imagesServed()).containsEntry("shared@0", 1).containsEntry("shared@180", 1)
                .allSatisfy((image, count) -> assertThat(count).isOne());
    }

    @Test
    void resumesAfterAnInterruptedDownloadWithoutPayingForAnImageTwice() throws Exception {
        fake.imageOutageAfter(3, Fault.HTTP_500); // the second panorama gets one of its two images

        assertThatThrownBy(() -> collect(alpha, beta)).isInstanceOf(StreetViewException.class)
                .hasMessageContaining("HTTP 500");
        assertThat(fake.imagesServed()).hasSize(3);
        assertThat(Files.list(out.resolve("streetview_alpha"))).noneMatch(p -> p.toString().endsWith(".part"));

        fake.recover();
        CollectionResult result = collect(alpha, beta);

        assertThat(fake.imagesServed()).hasSize(16).allSatisfy((image, count) -> assertThat(count).isOne());
        assertThat(fake.metadataRequests()).isEqualTo(8); // no point looked up twice
        assertThat(report(result, "alpha").downloaded()).isEqualTo(5);
        assertThat(report(result, "alpha").images()).isEqualTo(8);
        assertThat(manifest().entries()).hasSize(16);
    }

    @Test
    void resumesAfterAMetadataOutage() throws Exception {
        fake.metadataOutageAfter(6, Fault.OVER_QUERY_LIMIT);

        assertThatThrownBy(() -> collect(alpha, beta)).isInstanceOf(StreetViewException.class)
                .hasMessageContaining("OVER_QUERY_LIMIT");
        int madeBeforeOutage = 6;

        fake.recover();
        collect(alpha, beta);

        // 6 answered, 2 refused (one try and one retry) and repeated, 2 more.
        assertThat(fake.metadataRequests()).isEqualTo(madeBeforeOutage + 2 + 2);
        assertThat(fake.imagesServed()).hasSize(16).allSatisfy((image, count) -> assertThat(count).isOne());
        assertThat(manifest().entries()).hasSize(16);
    }

    @Test
    void aLargerTargetContinuesWhereTheLastRunStopped() throws Exception {
        collect(OptionalInt.of(2), alpha);
        RegionReport report = report(collect(OptionalInt.of(4), alpha), "alpha");

        assertThat(report.accepted()).isEqualTo(4);
        assertThat(report.downloaded()).isEqualTo(4);
        assertThat(manifest().entries()).extracting(ManifestEntry::image).contains(
                "streetview_alpha/al_000004_h180.jpg");
        assertThat(fake.imagesServed()).allSatisfy((image, count) -> assertThat(count).isOne());
    }

    @Test
    void collectingMoreKeepsEveryPanoramaInTheSplitItWasGiven() throws Exception {
        collect(OptionalInt.of(3), alpha);
        Map<String, Optional<Split>> before = new HashMap<>();
        manifest().entries().forEach(e -> before.put(e.image(), e.split()));

        collect(OptionalInt.of(4), alpha);

        // The test regions photograph two headings per panorama.
        assertThat(before).hasSize(6);
        assertThat(manifest().entries()).hasSize(8)
                .filteredOn(e -> before.containsKey(e.image()))
                .allSatisfy(e -> assertThat(e.split()).isEqualTo(before.get(e.image())));
    }

    @Test
    void dropsALineTornByACrash() throws Exception {
        collect(alpha);
        Path journal = out.resolve(CollectionJournal.FILE_NAME);
        Files.writeString(journal, "{\"region\":\"alpha\",\"candid", StandardOpenOption.APPEND);

        collect(alpha);

        assertThat(fake.metadataRequests()).isEqualTo(4);
        assertThat(Files.readString(journal)).endsWith("\n");
        assertThat(Files.readAllLines(journal)).hasSize(4);
    }

    @Test
    void aRegionWithoutValidationSkipsOnlyTheRadiusCheck() {
        Region unchecked = new Region(alpha.id(), alpha.name(), alpha.description(), alpha.bbox(), alpha.sampling(),
                alpha.output(), new Region.Validation(false, 50, 8));
        LatLon point = alphaGrid.get(0);
        PanoramaMetadata far = PanoramaMetadata.found("far", Geodesy.destination(point, 180, 0.2), null);
        PanoramaMetadata outside = PanoramaMetadata.found("outside", Geodesy.destination(point, 0, 2), null);

        assertThat(StreetViewCollector.judge(unchecked, point, far, Set.of(), 1).outcome()).isEqualTo(Outcome.ACCEPTED);
        assertThat(StreetViewCollector.judge(alpha, point, far, Set.of(), 1).outcome()).isEqualTo(Outcome.OUT_OF_RADIUS);
        assertThat(StreetViewCollector.judge(unchecked, point, outside, Set.of(), 1).outcome())
                .isEqualTo(Outcome.OUTSIDE_REGION);
    }

    @Test
    void oneCollectorPerDirectory() throws Exception {
        try (CollectionJournal first = CollectionJournal.open(out)) {
            assertThatThrownBy(() -> CollectionJournal.open(out)).hasMessageContaining("Another collector");
        }
    }

    @Test
    void refusesAJournalFromAnotherCatalog() throws Exception {
        collect(alpha);
        RegionCatalog la = RegionCatalog.losAngeles();
        StreetViewCollector collector = new StreetViewCollector(null, out,
                new ProgressReporter(new PrintWriter(progress), System::nanoTime, Duration.ofSeconds(5)));

        assertThatThrownBy(() -> collector.collect(la, la.regions(), OptionalInt.of(1), SplitPlan.DEFAULT, 42))
                .hasMessageContaining("'alpha'").hasMessageContaining("catalog");
    }

    @Test
    void neverWritesTheKey() throws Exception {
        collect(alpha, beta);
        try (var files = Files.walk(out)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(text).as(file.toString()).doesNotContain(FakeStreetView.KEY).doesNotContain("AIzaFAKE");
            }
        }
        assertThat(progress.toString()).doesNotContain("AIzaFAKE");
    }
}
