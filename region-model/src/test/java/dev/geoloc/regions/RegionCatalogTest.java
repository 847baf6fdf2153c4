package dev.geoloc.regions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

class RegionCatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final RegionCatalog la = RegionCatalog.losAngeles();

    @Test
    void theShippedCatalogHoldsFifteenLosAngelesRegionsWithTheStudysDowntownEntry() {
        assertThat(la.city()).isEqualTo("Los Angeles");
        assertThat(la.size()).isEqualTo(15);
        Region downtown = la.region(0);
        assertThat(downtown.id()).isEqualTo("downtown_la");
        assertThat(downtown.name()).isEqualTo("Downtown Los Angeles");
        assertThat(downtown.description()).isEqualTo("LA's financial and cultural center - skyline, downtown streets");
        assertThat(downtown.bbox()).isEqualTo(new BoundingBox(34.035, -118.265, 34.055, -118.24));
        assertThat(downtown.sampling()).isEqualTo(new Region.Sampling(1000, "grid", List.of(0, 90, 180, 270)));
        assertThat(downtown.output()).isEqualTo(new Region.Output("streetview_downtown_la", "dtla"));
        assertThat(downtown.validation()).isEqualTo(new Region.Validation(true, 50, 1500));
    }

    @Test
    void regionsHaveNearNeighboursAndFarPairs() {
        double nearest = Double.POSITIVE_INFINITY;
        double farthest = 0;
        for (int i = 0; i < la.size(); i++) {
            for (int j = i + 1; j < la.size(); j++) {
                nearest = Math.min(nearest, la.distanceKm(i, j));
                farthest = Math.max(farthest, la.distanceKm(i, j));
            }
        }
        assertThat(nearest).as("closest pair of centers").isBetween(2.0, 6.0);
        assertThat(farthest).as("farthest pair of centers").isGreaterThan(45.0);
        assertThat(la.distanceKm(la.indexOf("santa_monica"), la.indexOf("venice"))).isLessThan(4.0);
    }

    @Test
    void distanceMatrixIsSymmetricWithAZeroDiagonalAndMatchesTheCenters() {
        double[][] d = la.distanceMatrixKm();
        for (int i = 0; i < la.size(); i++) {
            assertThat(d[i][i]).isZero();
            for (int j = 0; j < la.size(); j++) {
                assertThat(d[i][j]).isEqualTo(d[j][i]).isEqualTo(la.center(i).distanceKm(la.center(j)));
            }
        }
        d[0][1] = -1;
        assertThat(la.distanceKm(0, 1)).as("the matrix handed out is a copy").isPositive();
    }

    @Test
    void centersAreTheMiddlesOfTheBoxes() {
        assertThat(la.center(0).latitude()).isCloseTo(34.045, within(1e-12));
        assertThat(la.center(0).longitude()).isCloseTo(-118.2525, within(1e-12));
    }

    @Test
    void pointsFindTheirRegionAndTheNearestOne() {
        LatLon pershingSquare = new LatLon(34.0483, -118.2527);
        LatLon dodgerStadium = new LatLon(34.0739, -118.2400);

        assertThat(la.containing(pershingSquare)).map(Region::id).contains("downtown_la");
        assertThat(la.containing(dodgerStadium)).isEmpty();
        assertThat(la.nearest(dodgerStadium).id()).isEqualTo("silver_lake_echo_park");
        assertThat(la.nearest(pershingSquare).id()).isEqualTo("downtown_la");
    }

    @Test
    void unknownIdsAreNamedInTheError() {
        assertThatThrownBy(() -> la.indexOf("malibu")).hasMessageContaining("'malibu' is not in the Los Angeles catalog");
    }

    @Test
    void hashIsStableAndChangesOnlyWithWhatGivesLabelsTheirMeaning() throws IOException {
        ObjectNode json = shippedJson();
        String original = RegionCatalog.losAngeles().hash();
        assertThat(original).hasSize(64).isEqualTo(CatalogReader.parse(json.toString(), "copy").hash());

        ObjectNode reworded = json.deepCopy();
        region(reworded, 3).put("description", "reworded").put("name", "Renamed");
        assertThat(CatalogReader.parse(reworded.toString(), "reworded").hash()).isEqualTo(original);

        ObjectNode moved = json.deepCopy();
        corner(moved, 3, 0).put("longitude", -118.474);
        corner(moved, 3, 3).put("longitude", -118.474);
        assertThat(CatalogReader.parse(moved.toString(), "moved").hash()).isNotEqualTo(original);

        ObjectNode reordered = json.deepCopy();
        ArrayNode regions = (ArrayNode) reordered.get("regions");
        regions.insert(0, regions.remove(1));
        assertThat(CatalogReader.parse(reordered.toString(), "reordered").hash()).isNotEqualTo(original);
    }

    @Test
    void anotherCityIsJustAnotherFile() {
        String json = """
                {"city": "Tiny Town", "regions": [%s, %s]}""".formatted(
                TestCatalogs.regionJson("north_side", 10.1, 10.2, 20.0, 20.1), TestCatalogs.regionJson("south_side", 10.0, 10.1, 20.0, 20.1));

        RegionCatalog catalog = CatalogReader.parse(json, "tiny");

        assertThat(catalog.ids()).containsExactly("north_side", "south_side");
        assertThat(catalog.distanceKm(0, 1)).isCloseTo(11.1, within(0.1));
    }

    @Test
    void invertedBoxesAreReportedWithTheirPath() throws IOException {
        ObjectNode json = shippedJson();
        corner(json, 2, 0).put("latitude", 34.04);
        corner(json, 2, 1).put("latitude", 34.04);
        corner(json, 2, 2).put("latitude", 34.01);
        corner(json, 2, 3).put("latitude", 34.01);

        assertThatThrownBy(() -> CatalogReader.parse(json.toString(), "bad.json"))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("bad.json")
                .hasMessageContaining("regions[2].bbox: inverted box, north latitude 34.01 is not above south latitude 34.04");
    }

    @Test
    void cornersThatAreNotAnUprightBoxAreRefused() throws IOException {
        ObjectNode json = shippedJson();
        corner(json, 0, 0).put("latitude", 34.036);

        assertThatThrownBy(() -> CatalogReader.parse(json.toString(), "skew"))
                .hasMessageContaining("regions[0].bbox.corners: do not form a latitude/longitude-aligned box");
    }

    @Test
    void overlappingRegionsAreRefused() throws IOException {
        ObjectNode json = shippedJson();
        ObjectNode copy = region(json, 0).deepCopy().put("id", "downtown_copy");
        ((ArrayNode) json.get("regions")).add(copy);

        assertThatThrownBy(() -> CatalogReader.parse(json.toString(), "overlap"))
                .hasMessageContaining("regions 'downtown_la' and 'downtown_copy' overlap");
    }

    @Test
    void regionsThatWouldWriteTheSameImageFilesAreRefused() throws IOException {
        ObjectNode json = shippedJson();
        ((ObjectNode) region(json, 3).get("output")).put("directory", "streetview_santa_monica").put("prefix", "smo");
        ((ObjectNode) region(json, 4).get("output")).put("prefix", "../../bh");

        assertThatThrownBy(() -> CatalogReader.parse(json.toString(), "outputs"))
                .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.problems()).containsExactly(
                        "regions[4].output.prefix: '../../bh' must be letters, digits, '_' or '-'",
                        "regions 'santa_monica' and 'venice' share output directory "
                        + "'streetview_santa_monica' and prefix 'smo': their image files would collide"));
    }

    @Test
    void duplicateIdsAreRefused() throws IOException {
        ObjectNode json = shippedJson();
        region(json, 5).put("id", "hollywood");

        assertThatThrownBy(() -> CatalogReader.parse(json.toString(), "dup"))
                .hasMessageContaining("regions[5].id: duplicate id 'hollywood' (also regions[1])");
    }

    @Test
    void coordinatesOutOfRangeAreRefused() throws IOException {
        ObjectNode json = shippedJson();
        corner(json, 4, 2).put("latitude", 134.06);

        assertThatThrownBy(() -> CatalogReader.parse(json.toString(), "range"))
                .hasMessageContaining("regions[4].bbox.corners[2].latitude: 134.06 is outside [-90, 90]");
    }

    @Test
    void everyMissingFieldIsListedNotJustTheFirst() throws IOException {
        ObjectNode json = shippedJson();
        region(json, 1).remove("name");
        region(json, 1).remove("sampling");
        ((ObjectNode) region(json, 7).get("validation")).remove("max_attempts");
        ((ArrayNode) region(json, 9).get("bbox").get("corners")).remove(3);

        assertThatThrownBy(() -> CatalogReader.parse(json.toString(), "missing"))
                .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.problems()).containsExactly(
                        "regions[1].name: missing (a non-empty string)",
                        "regions[1].sampling: missing (an object)",
                        "regions[7].validation.max_attempts: missing (a whole number)",
                        "regions[9].bbox.corners: missing [northeast]"));
    }

    @Test
    void brokenJsonSaysWhere() {
        assertThatThrownBy(() -> CatalogReader.parse("{\"regions\": [", "cut.json"))
                .hasMessageContaining("not valid JSON").hasMessageContaining("line 1");
        assertThatThrownBy(() -> CatalogReader.parse("{\"regions\": []}", "empty.json"))
                .hasMessageContaining("\"regions\" must be a non-empty array");
    }

    private static ObjectNode shippedJson() throws IOException {
        try (InputStream in = RegionCatalog.class.getResourceAsStream(RegionCatalog.LOS_ANGELES_RESOURCE)) {
            return (ObjectNode) JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static ObjectNode region(ObjectNode catalog, int index) {
        return (ObjectNode) catalog.get("regions").get(index);
    }

    private static ObjectNode corner(ObjectNode catalog, int region, int corner) {
        return (ObjectNode) region(catalog, region).get("bbox").get("corners").get(corner);
    }
}
