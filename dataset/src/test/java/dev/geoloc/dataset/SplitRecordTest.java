package dev.geoloc.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.regions.LatLon;

class SplitRecordTest {

    @TempDir
    Path dir;

    private final SplitRecord blocked = new SplitRecord(SplitPlan.Mode.BLOCKED, Splitter.Fractions.DEFAULT,
            Optional.of(Splitter.BlockedSplit.DEFAULT), 7,
            Map.of(Split.TRAIN, 812L, Split.VALIDATION, 101L, Split.TEST, 99L, Split.EXCLUDED, 37L), 0,
            Optional.of(new Separation(25, 0.2014, 0.105, 0)));

    @Test
    void describesASplitOnOneLine() {
        assertThat(blocked.describe()).isEqualTo(
                "blocked (0.4 km blocks, 0.1 km buffer, seed 7): 812 train, 101 validation, 99 test, 37 excluded images; "
                        + "test to nearest training photo: median 201 m, closest 105 m, 0 of 25 test locations within 100 m");
        SplitRecord grown = new SplitRecord(SplitPlan.Mode.GROUPED, Splitter.Fractions.DEFAULT, Optional.empty(), 42,
                Map.of(Split.TRAIN, 8L, Split.VALIDATION, 1L, Split.TEST, 1L), 4, Optional.empty());
        assertThat(grown.describe())
                .isEqualTo("grouped (seed 42): 8 train, 1 validation, 1 test images (4 kept from an earlier split)");
    }

    @Test
    void aWrittenRecordReadsBackBesideItsManifest() throws IOException {
        Path file = blocked.write(dir);
        new Manifest(dir, List.of()).write();

        assertThat(file).isEqualTo(dir.resolve("split.json"));
        assertThat(Files.readString(file)).contains("\"mode\" : \"blocked\"", "\"block_km\" : 0.4", "\"excluded\" : 37");
        assertThat(SplitRecord.read(dir)).contains(blocked);
        assertThat(SplitRecord.read(dir.resolve(Manifest.FILE_NAME))).contains(blocked);
    }

    @Test
    void aDatasetFromBeforeSplitRecordsHasNone() throws IOException {
        assertThat(SplitRecord.read(dir)).isEmpty();
    }

    @Test
    void aBrokenRecordIsAnError() throws IOException {
        Files.writeString(dir.resolve("split.json"), "{\"mode\": \"spatial\"}");

        assertThatThrownBy(() -> SplitRecord.read(dir)).isInstanceOf(IOException.class).hasMessageContaining("split.json");
    }

    @Test
    void ofCountsImagesPerSplitAndThoseThatKeptAnEarlierOne() {
        List<ManifestEntry> input = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            input.add(new ManifestEntry(i + ".jpg", new LatLon(34 + i * 0.01, -118.3), "venice", 0, "p" + i,
                    i < 3 ? Optional.of(Split.TRAIN) : Optional.empty()));
        }
        SplitPlan plan = SplitPlan.DEFAULT.withMode(SplitPlan.Mode.GROUPED);
        List<ManifestEntry> split = plan.apply(input, 5);

        SplitRecord record = SplitRecord.of(plan, 5, input, split);

        assertThat(record.images().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);
        assertThat(record.images()).containsEntry(Split.EXCLUDED, 0L);
        assertThat(record.keptImages()).isEqualTo(3);
        assertThat(record.blocks()).isEmpty();
        // the locations lie 1.1 km apart along a meridian, so no test location has a training photo within 100 m
        assertThat(record.separation()).hasValueSatisfying(s -> {
            assertThat(s.testLocations()).isEqualTo(record.images().get(Split.TEST).intValue());
            assertThat(s.minKm()).isEqualTo(Splitter.nearestTrainDistances(split).values().stream()
                    .mapToDouble(Double::doubleValue).min().orElseThrow());
            assertThat(s.withinNear()).isZero();
        });
        assertThat(SplitRecord.of(SplitPlan.DEFAULT, 5, input, SplitPlan.DEFAULT.apply(input, 5)).blocks())
                .contains(Splitter.BlockedSplit.DEFAULT);
    }
}
