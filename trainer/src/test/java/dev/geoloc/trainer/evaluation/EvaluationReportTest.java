package dev.geoloc.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class EvaluationReportTest {

    private static final EvaluationReport REPORT = new EvaluationReport(
            new ModelDescription("FT tiny (CE)", "tiny-cnn", "CE"), "abc123", "data/synth", "test",
            List.of(new SkippedImage("a/broken.jpg", "the JPEG ends before its image data")),
            EvaluationAccumulatorTest.fourImages());

    @TempDir
    Path dir;

    @Test
    void jsonHoldsEveryFigure() throws IOException {
        JsonNode json = new ObjectMapper().readTree(REPORT.toJson());

        assertThat(json.at("/model/loss").asText()).isEqualTo("CE");
        assertThat(json.at("/bundle_digest").asText()).isEqualTo("abc123");
        assertThat(json.at("/samples").asInt()).isEqualTo(4);
        assertThat(json.at("/accuracy").asDouble()).isEqualTo(0.5);
        assertThat(json.at("/errors_km/region_centers/mean").asDouble()).isCloseTo(11.1195, within(1e-4));
        assertThat(json.at("/errors_km/region_centers/within_km/25").asDouble()).isEqualTo(0.75);
        assertThat(json.at("/errors_km/photo/median").asDouble()).isCloseTo(5.8377, within(1e-4));
        assertThat(json.at("/errors_km/center_to_photo/within_km/10").asDouble()).isEqualTo(0.5);
        assertThat(json.at("/regions/2/id").asText()).isEqualTo("gamma");
        assertThat(json.at("/regions/2/accuracy").asDouble()).isZero();
        assertThat(json.at("/confusion/labels").toString()).isEqualTo("[\"alpha\",\"beta\",\"gamma\"]");
        assertThat(json.at("/confusion/counts").toString()).isEqualTo("[[1,1,0],[0,1,0],[1,0,0]]");
        assertThat(json.at("/skipped/0/reason").asText()).contains("JPEG ends");
    }

    @Test
    void aRegionWithoutImagesHasANullAccuracy() throws IOException {
        EvaluationAccumulator accumulator = new EvaluationAccumulator(LineCatalog.CATALOG);
        accumulator.add(LineCatalog.A, LineCatalog.at(0), LineCatalog.A, LineCatalog.at(0));
        EvaluationReport report = new EvaluationReport(REPORT.model(), null, "d", "test", List.of(), accumulator.result());

        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.at("/regions/1/accuracy").isNull()).isTrue();
        assertThat(json.has("bundle_digest")).isFalse();
        assertThat(report.toMarkdown()).contains("| Beta | 0 | 0 | – | – |").doesNotContain("Skipped");
    }

    @Test
    void markdownHasTheStudysTableEveryMeasureAndEachRegion() {
        String md = REPORT.toMarkdown();

        assertThat(md).contains(ResultsTable.HEADER + "\n")
                .contains("| FT tiny (CE) | tiny-cnn | CE | 50.00 | 11.12 | 50.00 | 50.00 | 50.00 | 75.00 |")
                .contains("| region centers (study) | 11.12 | 5.56 | 50.00 | 50.00 | 50.00 | 75.00 |")
                .contains("| estimate to photo | 7.09 | 5.84 | 50.00 | 50.00 | 50.00 | 100.00 |")
                .contains("| predicted center to photo | 11.26 | 5.84 | 50.00 | 50.00 | 50.00 | 75.00 |")
                .contains("| Alpha | 2 | 1 | 50.00 | Beta (1) |")
                .contains("| Beta | 1 | 1 | 100.00 | – |")
                .contains("| Gamma | 1 | 0 | 0.00 | Alpha (1) |")
                .contains("![Confusion matrix](confusion.png)")
                .contains("- `a/broken.jpg`: the JPEG ends before its image data");
    }

    @Test
    void writesTheFourFiles() throws IOException {
        REPORT.writeTo(dir.resolve("out"));

        Path out = dir.resolve("out");
        assertThat(Files.readString(out.resolve(EvaluationReport.JSON))).isEqualTo(REPORT.toJson());
        assertThat(Files.readString(out.resolve(EvaluationReport.MARKDOWN))).isEqualTo(REPORT.toMarkdown());
        assertThat(ImageIO.read(out.resolve(EvaluationReport.CONFUSION_PNG).toFile())).isNotNull();
        assertThat(ImageIO.read(out.resolve(EvaluationReport.CDF_PNG).toFile())).isNotNull();
    }
}
