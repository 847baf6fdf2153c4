package dev.geoloc.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.regions.LatLon;
import dev.geoloc.regions.RegionCatalog;

class ManifestTest {

    private final RegionCatalog la = RegionCatalog.losAngeles();

    @TempDir
    Path dir;

    @Test
    void aWrittenManifestReadsBackEntryForEntry() throws IOException {
        List<ManifestEntry> entries = List.of(
                new ManifestEntry("streetview_downtown_la/dtla_1_h0.jpg", new LatLon(34.0451234, -118.2512345),
                        "downtown_la", 0, "pano-1", Optional.of(Split.TRAIN)),
                new ManifestEntry("odd, \"quoted\" name.jpg", new LatLon(33.74, -118.29), "san_pedro", 270,
                        "pano-2", Optional.empty()));

        Path file = new Manifest(dir, entries).write();
        Manifest read = Manifest.read(dir, la);

        assertThat(file).isEqualTo(dir.resolve("manifest.csv"));
        assertThat(Files.readAllLines(file).get(0)).isEqualTo("image,latitude,longitude,region_id,heading,location_id,split");
        assertThat(read.entries()).isEqualTo(entries);
        assertThat(read.resolve(read.entries().get(0))).isEqualTo(dir.toAbsolutePath().resolve("streetview_downtown_la/dtla_1_h0.jpg"));
        assertThat(read.split(Split.TRAIN)).hasSize(1);
    }

    @Test
    void everyBadRowIsReportedWithItsLine() throws IOException {
        Files.writeString(dir.resolve("manifest.csv"), """
                image,latitude,longitude,region_id,heading,location_id,split
                a.jpg,34.04,-118.25,downtown_la,0,p1,train
                b.jpg,94.04,-118.25,downtown_la,0,p2,train
                c.jpg,34.04,-118.25,malibu,0,p3,train
                d.jpg,34.04,-118.25,downtown_la,360,p4,train
                e.jpg,34.04,-118.25,downtown_la,0,p5,holdout
                a.jpg,34.04,-118.25,downtown_la,90,p1,train
                ../escape.jpg,34.04,-118.25,downtown_la,0,p6,train
                g.jpg,34.04,-118.25,downtown_la,0,p7
                """);

        assertThatThrownBy(() -> Manifest.read(dir, la))
                .isInstanceOfSatisfying(ManifestException.class, e -> assertThat(e.problems()).containsExactly(
                        "line 3: latitude 94.04 is outside [-90, 90]",
                        "line 4: region 'malibu' is not in the Los Angeles catalog",
                        "line 5: heading 360 is outside [0, 360)",
                        "line 6: split 'holdout' is not one of train, validation, test, excluded",
                        "line 7: image a.jpg is listed twice",
                        "line 8: image path ../escape.jpg must stay inside the dataset directory",
                        "line 9: 6 fields, expected 7"));
    }

    @Test
    void aFileWithoutTheHeaderIsRefused() throws IOException {
        Files.writeString(dir.resolve("manifest.csv"), "a.jpg,34.04,-118.25,downtown_la,0,p1,train\n");

        assertThatThrownBy(() -> Manifest.read(dir, la)).hasMessageContaining("line 1: the header must be image,latitude");
    }
}
