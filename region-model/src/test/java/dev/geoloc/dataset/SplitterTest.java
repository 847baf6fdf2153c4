package dev.geoloc.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.geoloc.regions.LatLon;

class SplitterTest {

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
}
