package dev.geoloc.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

class SplitterTest {

    private static final Splitter.BlockedSplit BLOCKS = Splitter.BlockedSplit.DEFAULT;

    /** Given 2 regions x 100 panoramas x 4 headings. */
    private final List<ManifestEntry> entries = fourHeadingsPerPanorama(List.of("downtown_la", "venice"), 100);

    @Test
    void groupedSplitKeepsEveryPanoramaInOneSplit() {
        List<ManifestEntry> split = Splitter.grouped(entries, Splitter.Fractions.DEFAULT, 7);

        assertThat(Splitter.leakingGroups(split)).isEmpty();
        assertThat(split).allSatisfy(e -> assertThat(e.split()).isPresent());
    }

    @Test
    void groupedSplitKeepsTheFractionsInEveryRegion() {
        List<ManifestEntry> split = Splitter.grouped(entries, Splitter.Fractions.DEFAULT, 7);

        for (String region : List.of("downtown_la", "venice")) {
            Map<Split, Long> counts = split.stream().filter(e -> e.regionId().equals(region))
                    .collect(Collectors.groupingBy(e -> e.split().orElseThrow(), Collectors.counting()));
            assertThat(counts).containsEntry(Split.TRAIN, 320L).containsEntry(Split.VALIDATION, 40L)
                    .containsEntry(Split.TEST, 40L);
        }
    }

    @Test
    void aSmallRegionStillGetsOneValidationAndOneTestLocation() {
        List<ManifestEntry> small = fourHeadingsPerPanorama(List.of("venice"), 4);

        Map<Split, Long> counts = Splitter.grouped(small, Splitter.Fractions.DEFAULT, 7).stream()
                .collect(Collectors.groupingBy(e -> e.split().orElseThrow(), Collectors.counting()));

        assertThat(counts).containsEntry(Split.TRAIN, 8L).containsEntry(Split.VALIDATION, 4L).containsEntry(Split.TEST, 4L);
    }

    @Test
    void theSameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        assertThat(Splitter.grouped(entries, Splitter.Fractions.DEFAULT, 7))
                .isEqualTo(Splitter.grouped(entries, Splitter.Fractions.DEFAULT, 7))
                .isNotEqualTo(Splitter.grouped(entries, Splitter.Fractions.DEFAULT, 8));
    }

    @Test
    void aGrowingDatasetKeepsEveryEarlierAssignment() {
        List<ManifestEntry> first = Splitter.grouped(fourHeadingsPerPanorama(List.of("venice"), 40),
                Splitter.Fractions.DEFAULT, 7);
        List<ManifestEntry> grown = new ArrayList<>(first);
        grown.addAll(fourHeadingsPerPanorama(List.of("venice"), 100).subList(160, 400));

        List<ManifestEntry> second = Splitter.grouped(grown, Splitter.Fractions.DEFAULT, 7);

        assertThat(second.subList(0, first.size())).isEqualTo(first);
        Map<Split, Long> counts = second.stream()
                .collect(Collectors.groupingBy(e -> e.split().orElseThrow(), Collectors.counting()));
        assertThat(counts).containsEntry(Split.TRAIN, 320L).containsEntry(Split.VALIDATION, 40L)
                .containsEntry(Split.TEST, 40L);
    }

    @Test
    void naiveSplitLeaksPanoramasAcrossSplits() {
        List<ManifestEntry> split = Splitter.naive(entries, Splitter.Fractions.DEFAULT, 7);

        assertThat(split.stream().filter(e -> e.split().orElseThrow() == Split.TEST)).hasSize(80);
        assertThat(Splitter.leakingGroups(split)).as("panoramas with headings in two splits").hasSizeGreaterThan(50);
    }

    /** Given 2 regions x a 25 x 25 lattice of panoramas 80 m apart (about 2 km a side) x 2 headings. */
    private final List<ManifestEntry> lattice = lattice(List.of("downtown_la", "venice"), 25, 0.08);

    @Test
    void blockedSplitPutsNoTestLocationWithinTheBufferOfATrainingOne() {
        List<ManifestEntry> split = Splitter.blocked(lattice, Splitter.Fractions.DEFAULT, BLOCKS, 7);

        assertThat(Splitter.nearestTrainDistances(split)).isNotEmpty()
                .allSatisfy((location, km) -> assertThat(km).as(location).isGreaterThanOrEqualTo(BLOCKS.bufferKm()));
        assertThat(split).allSatisfy(e -> assertThat(e.split()).isPresent());
        assertThat(Splitter.leakingGroups(split)).isEmpty();
        // The leak it closes: a grouped split tests on photos 80 m from training photos.
        assertThat(Splitter.nearestTrainDistances(Splitter.grouped(lattice, Splitter.Fractions.DEFAULT, 7)).values())
                .anySatisfy(km -> assertThat(km).isLessThan(0.09));
    }

    @Test
    void blockedSplitGivesEachBlockWholeToOneSplitAndExcludesOnlyTrainingLocations() {
        List<ManifestEntry> split = Splitter.blocked(lattice, Splitter.Fractions.DEFAULT, BLOCKS, 7);

        Map<String, Set<Split>> splitsByBlock = new TreeMap<>();
        for (ManifestEntry e : split) {
            Split s = e.split().orElseThrow();
            splitsByBlock.computeIfAbsent(e.regionId() + " " + GridCell.of(e.location(), BLOCKS.blockKm()),
                    b -> new TreeSet<>()).add(s == Split.EXCLUDED ? Split.TRAIN : s);
        }
        assertThat(splitsByBlock).hasSizeGreaterThan(2 * 20).allSatisfy((block, splits) -> assertThat(splits).hasSize(1));
        assertThat(split).filteredOn(e -> e.split().orElseThrow() == Split.EXCLUDED).isNotEmpty();
    }

    @Test
    void blockedSplitKeepsTheFractionsOfLocationsInEveryRegionAsWholeBlocksAllow() {
        List<ManifestEntry> split = Splitter.blocked(lattice, Splitter.Fractions.DEFAULT, BLOCKS, 7);

        for (String region : List.of("downtown_la", "venice")) {
            Map<Split, Long> counts = split.stream().filter(e -> e.regionId().equals(region))
                    .collect(Collectors.groupingBy(e -> e.split().orElseThrow(), Collectors.counting()));
            // 625 locations, 1,250 images: 125 each for test and validation, give or take a block of 5 x 5.
            assertThat(counts.get(Split.TEST)).as(region + " test").isBetween(125L - 50, 125L + 50);
            assertThat(counts.get(Split.VALIDATION)).as(region + " validation").isBetween(125L - 50, 125L + 50);
            assertThat(counts.get(Split.TRAIN) + counts.get(Split.EXCLUDED)).as(region + " train and excluded")
                    .isBetween(1000L - 100, 1000L + 100);
        }
    }

    @Test
    void blockedSplitIsTheSameForASeedAndOtherForAnother() {
        assertThat(Splitter.blocked(lattice, Splitter.Fractions.DEFAULT, BLOCKS, 7))
                .isEqualTo(Splitter.blocked(lattice, Splitter.Fractions.DEFAULT, BLOCKS, 7))
                .isNotEqualTo(Splitter.blocked(lattice, Splitter.Fractions.DEFAULT, BLOCKS, 8));
    }

    @Test
    void aGrowingDatasetKeepsEveryEarlierBlockedAssignmentAndTheBuffer() {
        List<ManifestEntry> all = lattice(List.of("venice"), 25, 0.08);
        List<ManifestEntry> first = Splitter.blocked(all.subList(0, 500), Splitter.Fractions.DEFAULT, BLOCKS, 7);
        List<ManifestEntry> grown = new ArrayList<>(first);
        grown.addAll(all.subList(500, all.size()));

        List<ManifestEntry> second = Splitter.blocked(grown, Splitter.Fractions.DEFAULT, BLOCKS, 7);

        assertThat(second.subList(0, first.size())).isEqualTo(first);
        assertThat(Splitter.nearestTrainDistances(second).values())
                .allSatisfy(km -> assertThat(km).isGreaterThanOrEqualTo(BLOCKS.bufferKm()));
        assertThat(second.subList(first.size(), second.size()).stream().map(e -> e.split().orElseThrow()))
                .contains(Split.TRAIN, Split.VALIDATION, Split.TEST);
    }

    @Test
    void aTrainingLocationBesideATestOneIsExcludedButAValidationOneStays() {
        LatLon test = westOfABlockEdge();
        LatLon beside = Geodesy.destination(test, 90, 0.05);
        ManifestEntry fixedTest = entry("venice", "old", test, Optional.of(Split.TEST));
        ManifestEntry newcomer = entry("venice", "new", beside, Optional.empty());

        assertThat(Splitter.blocked(List.of(fixedTest, newcomer), new Splitter.Fractions(1, 0, 0), BLOCKS, 7))
                .extracting(e -> e.split().orElseThrow()).containsExactly(Split.TEST, Split.EXCLUDED);
        assertThat(Splitter.blocked(List.of(fixedTest, newcomer), new Splitter.Fractions(0, 1, 0), BLOCKS, 7))
                .extracting(e -> e.split().orElseThrow()).containsExactly(Split.TEST, Split.VALIDATION);
        // Across the buffer's edge, training is allowed again.
        ManifestEntry farther = entry("venice", "new", Geodesy.destination(test, 90, 0.15), Optional.empty());
        assertThat(Splitter.blocked(List.of(fixedTest, farther), new Splitter.Fractions(1, 0, 0), BLOCKS, 7))
                .extracting(e -> e.split().orElseThrow()).containsExactly(Split.TEST, Split.TRAIN);
    }

    @Test
    void aNewTestLocationBesideAnOldTrainingOneIsExcludedSinceTheOldOneCannotMove() {
        LatLon train = westOfABlockEdge();
        List<ManifestEntry> entries = List.of(entry("venice", "old", train, Optional.of(Split.TRAIN)),
                entry("venice", "new", Geodesy.destination(train, 90, 0.05), Optional.empty()));
        Splitter.Fractions allTest = new Splitter.Fractions(0, 0, 1);

        assertThat(Splitter.blocked(entries, allTest, BLOCKS, 7)).extracting(e -> e.split().orElseThrow())
                .containsExactly(Split.TRAIN, Split.EXCLUDED);
    }

    @Test
    void threeBlocksByHandGoOneToEachSplitWithTheirLocationsTogether() {
        LatLon origin = new LatLon(34.0, -118.3);
        List<ManifestEntry> entries = List.of(
                entry("venice", "p1", origin, Optional.empty()),
                entry("venice", "p2", Geodesy.destination(origin, 45, 0.02), Optional.empty()),
                entry("venice", "q", Geodesy.destination(origin, 90, 1.5), Optional.empty()),
                entry("venice", "r", Geodesy.destination(origin, 0, 1.5), Optional.empty()));
        assertThat(GridCell.of(entries.get(1).location(), 0.4)).isEqualTo(GridCell.of(origin, 0.4));

        for (long seed = 0; seed < 20; seed++) {
            List<ManifestEntry> split = Splitter.blocked(entries, Splitter.Fractions.DEFAULT, BLOCKS, seed);

            assertThat(split.get(0).split()).as("seed " + seed).isEqualTo(split.get(1).split());
            assertThat(split.stream().map(e -> e.split().orElseThrow()).distinct())
                    .as("seed " + seed).containsExactlyInAnyOrder(Split.TRAIN, Split.VALIDATION, Split.TEST);
        }
    }

    @Test
    void aRegionOfFewLocationsInOneBlockIsSplitLocationByLocationStillKeepingTheBuffer() {
        LatLon origin = new LatLon(34.0, -118.3);
        List<ManifestEntry> entries = List.of(entry("venice", "a", origin, Optional.empty()),
                entry("venice", "b", Geodesy.destination(origin, 90, 0.12), Optional.empty()),
                entry("venice", "c", Geodesy.destination(origin, 90, 0.24), Optional.empty()),
                entry("venice", "d", Geodesy.destination(origin, 90, 0.04), Optional.empty()));

        List<ManifestEntry> split = Splitter.blocked(entries, Splitter.Fractions.DEFAULT, BLOCKS, 7);

        assertThat(split.stream().map(e -> e.split().orElseThrow())).contains(Split.VALIDATION, Split.TEST);
        assertThat(Splitter.nearestTrainDistances(split).values())
                .allSatisfy(km -> assertThat(km).isGreaterThanOrEqualTo(BLOCKS.bufferKm()));
    }

    @Test
    void nearestTrainDistancesMeasureTheLeakOfAnySplit() {
        LatLon origin = new LatLon(34.0, -118.3);
        List<ManifestEntry> entries = List.of(
                entry("venice", "t", origin, Optional.of(Split.TEST)),
                entry("venice", "near", Geodesy.destination(origin, 90, 0.3), Optional.of(Split.TRAIN)),
                entry("venice", "nearest", Geodesy.destination(origin, 0, 0.2), Optional.of(Split.EXCLUDED)),
                entry("venice", "far", Geodesy.destination(origin, 0, 2), Optional.of(Split.TRAIN)),
                entry("venice", "alone", Geodesy.destination(origin, 0, 9), Optional.of(Split.TEST)));

        assertThat(Splitter.nearestTrainDistances(entries)).containsOnlyKeys("alone", "t")
                .hasEntrySatisfying("t", km -> assertThat(km).isCloseTo(0.3, within(1e-6)))
                .hasEntrySatisfying("alone", km -> assertThat(km).isCloseTo(7, within(1e-6)));
        assertThat(Splitter.nearestTrainDistances(entries.subList(0, 1))).containsEntry("t", Double.POSITIVE_INFINITY);
    }

    private static List<ManifestEntry> fourHeadingsPerPanorama(List<String> regions, int panoramas) {
        List<ManifestEntry> entries = new ArrayList<>();
        for (String region : regions) {
            for (int p = 0; p < panoramas; p++) {
                for (int heading = 0; heading < 360; heading += 90) {
                    entries.add(new ManifestEntry(region + "/" + p + "_" + heading + ".jpg",
                            new LatLon(34 + p * 1e-4, -118.3), region, heading, region + "-pano-" + p, Optional.empty()));
                }
            }
        }
        return entries;
    }

    /** A square lattice of panoramas per region, {@code spacingKm} apart, each photographed at 0 and 180 degrees. */
    private static List<ManifestEntry> lattice(List<String> regions, int side, double spacingKm) {
        List<ManifestEntry> entries = new ArrayList<>();
        for (int r = 0; r < regions.size(); r++) {
            String region = regions.get(r);
            LatLon corner = new LatLon(34.0 + r * 0.1, -118.4);
            for (int i = 0; i < side; i++) {
                LatLon rowStart = Geodesy.destination(corner, 0, i * spacingKm);
                for (int j = 0; j < side; j++) {
                    LatLon point = Geodesy.destination(rowStart, 90, j * spacingKm);
                    for (int heading : List.of(0, 180)) {
                        entries.add(new ManifestEntry(region + "/" + i + "_" + j + "_" + heading + ".jpg", point, region,
                                heading, region + "-" + i + "-" + j, Optional.empty()));
                    }
                }
            }
        }
        return entries;
    }

    /** A point 25 m west of where the blocks change: the hand-made neighbours 50 m east of it are in another block. */
    private static LatLon westOfABlockEdge() {
        LatLon point = new LatLon(34.0, -118.3);
        GridCell start = GridCell.of(point, BLOCKS.blockKm());
        while (GridCell.of(Geodesy.destination(point, 90, 0.025), BLOCKS.blockKm()).equals(start)) {
            point = Geodesy.destination(point, 90, 0.005);
        }
        return point;
    }

    private static ManifestEntry entry(String region, String id, LatLon point, Optional<Split> split) {
        return new ManifestEntry(region + "/" + id + ".jpg", point, region, 0, id, split);
    }
}
