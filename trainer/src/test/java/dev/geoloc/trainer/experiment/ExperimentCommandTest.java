package dev.geoloc.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.trainer.evaluation.LocationBootstrap;
import dev.geoloc.trainer.evaluation.ResultsTable;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.TrainerCommand;
import dev.geoloc.trainer.zeroshot.TestPrototypes;
import picocli.CommandLine;

class ExperimentCommandTest {

    @TempDir
    Path dir;

    @Test
    void trainsEveryLossAndSeedAndWritesTheStudysTable() throws IOException {
        new SynthCityGenerator(RegionCatalog.losAngeles(), SynthCityConfig.defaults().withLocationsPerRegion(4)
                .withHeadings(List.of(0, 180)).withSize(64, 64)).generate(dir.resolve("data"), 2, (done, total) -> { });

        int exit = TrainerCommand.commandLine().execute("experiment", "--dataset", dir.resolve("data").toString(),
                "--out", dir.resolve("exp").toString(), "--losses", "ce;ranking:margin=0.2", "--seeds", "1,2",
                "--epochs", "1", "--batch-size", "16", "--device", "cpu");

        assertThat(exit).isZero();
        String results = Files.readString(dir.resolve("exp/results.md"));
        assertThat(results).contains("| Model | Backbone | Loss | Accuracy (%) | Mean Error (km) | Median Error (km) "
                        + "| Acc@0.25km | Acc@0.5km | Acc@1km | Acc@5km | Acc@10km | Acc@25km |")
                .contains("| FT tiny-cnn (CE) | tiny-cnn | CE |", "| FT tiny-cnn (Ranking) | tiny-cnn | Ranking |")
                .contains(ResultsTable.caption(LocationBootstrap.DEFAULT), "Split: blocked (0.4 km blocks, 0.1 km buffer, seed 42): ")
                .contains("## Each loss against CE on the same test photos", "| FT tiny-cnn (Ranking) |")
                .contains("## Calibration of the probabilities and of the distance-error estimate");
        assertThat(dir.resolve("exp/reliability.png")).isNotEmptyFile();
        assertThat(dir.resolve("exp/error-cdf.png")).isNotEmptyFile();
        assertThat(dir.resolve("exp/confusion.png")).isNotEmptyFile();
        try (var runs = Files.list(dir.resolve("exp/runs/tiny-cnn"))) {
            assertThat(runs.map(p -> p.getFileName().toString())).hasSize(2).anyMatch(name -> name.startsWith("ranking"));
        }
    }

    @Test
    void asJsonStandardOutputCarriesOnlyTheResultsDocument() throws IOException {
        synthCity();
        java.io.StringWriter document = new java.io.StringWriter();
        CommandLine command = TrainerCommand.commandLine();
        command.setOut(new java.io.PrintWriter(document));

        String progress = captured(() -> assertThat(command.execute(experiment("--losses", "ce", "--seeds", "1",
                "--output", "json"))).isZero());

        assertThat(progress).as("progress goes to standard error").isEmpty();
        JsonNode json = new ObjectMapper().readTree(document.toString());
        assertThat(json.at("/split").asText()).isEqualTo("test");
        assertThat(json.at("/command").asText()).contains("experiment", "--losses 'ce'");
        assertThat(json.at("/runs/FT tiny-cnn (CE)/0/seed").asLong()).isEqualTo(1);
        assertThat(json.at("/runs/FT tiny-cnn (CE)/0/accuracy").isNumber()).isTrue();
        assertThat(new ObjectMapper().readTree(dir.resolve("exp/results.json").toFile())).isEqualTo(json);
    }

    @Test
    void runningAgainResumesFinishedRunsAndAddsNewSeeds() throws IOException {
        synthCity();
        String[] oneSeed = experiment("--losses", "ce", "--seeds", "1");
        assertThat(TrainerCommand.commandLine().execute(oneSeed)).isZero();
        Path firstLog = dir.resolve("exp/runs/tiny-cnn/ce/seed-1/training-log.jsonl");
        String trainedOnce = Files.readString(firstLog);
        FileTime trainedAt = Files.getLastModifiedTime(firstLog);

        String output = captured(() -> TrainerCommand.commandLine().execute(experiment("--losses", "ce", "--seeds", "1,2")));

        assertThat(output).contains("run 1 of 2", "finished earlier: evaluating its bundle", "run 2 of 2");
        assertThat(Files.readString(dir.resolve("exp/results.md"))).containsPattern(
                "training [0-9.]+ min summed over the runs' epochs, this invocation [0-9.]+ min");
        assertThat(Files.getLastModifiedTime(firstLog)).isEqualTo(trainedAt);
        assertThat(Files.readString(firstLog)).isEqualTo(trainedOnce);
        assertThat(dir.resolve("exp/runs/tiny-cnn/ce/seed-2/finished")).exists();
        assertThat(Files.readString(dir.resolve("exp/results.json"))).contains("\"seed\" : 1", "\"seed\" : 2")
                .contains("\"photo_mean_error_km\"", "\"photo_median_error_km\"");
    }

    @Test
    void refusesToResumeWithOtherTrainingSettings() throws IOException {
        synthCity();
        assertThat(TrainerCommand.commandLine().execute(experiment("--losses", "ce", "--seeds", "1"))).isZero();
        java.io.StringWriter errors = new java.io.StringWriter();

        int exit = TrainerCommand.commandLine().setErr(new java.io.PrintWriter(errors))
                .execute(experiment("--losses", "ce", "--seeds", "1", "--lr", "1e-2"));

        assertThat(exit).isEqualTo(2);
        assertThat(errors.toString()).contains("holds runs trained with other settings", "--lr 0.002",
                "use another --out");
    }

    @Test
    void aSweepComparesEachMarginOnTheValidationSplit() throws IOException {
        synthCity();

        int exit = TrainerCommand.commandLine().execute(experiment("--losses", "ranking", "--seeds", "3,4", "--sweep"));

        assertThat(exit).isZero();
        String sweep = Files.readString(dir.resolve("exp/sweep.md"));
        assertThat(sweep).contains("validation split", "seeds [3]");
        for (String margin : List.of("0.03", "0.1", "0.3", "1")) {
            assertThat(sweep).contains("| FT tiny-cnn (Ranking ranking:margin=" + margin + ",reduce=mean) |");
            assertThat(dir.resolve("exp/runs/tiny-cnn/ranking_margin=" + margin + "_reduce=mean/seed-3/finished"))
                    .exists();
        }
        assertThat(dir.resolve("exp/results.md")).doesNotExist();
    }

    @Test
    void withRegionPrototypesItAddsTheZeroShotRowOfTheEncoderTheyNameOnly() throws IOException {
        new SynthCityGenerator(RegionCatalog.losAngeles(), SynthCityConfig.defaults().withLocationsPerRegion(4)
                .withHeadings(List.of(0, 180)).withSize(64, 64)).generate(dir.resolve("data"), 2, (done, total) -> { });
        Path prototypes = TestPrototypes.write(dir.resolve("prototypes.json"), RegionCatalog.losAngeles(), 64, "tiny-vit");

        int exit = TrainerCommand.commandLine().execute("experiment", "--dataset", dir.resolve("data").toString(),
                "--out", dir.resolve("exp").toString(), "--encoders", "tiny-cnn,tiny-vit", "--losses", "ce",
                "--seeds", "1", "--epochs", "1", "--batch-size", "16", "--device", "cpu",
                "--prototypes", prototypes.toString());

        assertThat(exit).isZero();
        String results = Files.readString(dir.resolve("exp/results.md"));
        assertThat(results).contains("| Zero-shot tiny-vit | tiny-vit |", "| FT tiny-vit (CE) | tiny-vit | CE |",
                        "| FT tiny-cnn (CE) | tiny-cnn | CE |")
                .doesNotContain("Zero-shot tiny-cnn")
                .contains("--device cpu", "--prototypes " + prototypes);
        assertThat(dir.resolve("exp/runs/tiny-vit/zero-shot/bundle/bundle.json")).isNotEmptyFile();
    }

    /**
     * The sequence docs/training.md gives for the study's table on real data, on SynthCity: two exported encoders
     * (files with their contracts, as export_encoder.py writes them; tiny-vit stands in for CLIP, with prototypes)
     * and the study's five losses give its 10 fine-tuned rows plus the zero-shot row.
     */
    @Test
    void theStudysTableFromTwoExportedEncoders() throws IOException {
        synthCity();
        Path encoders = Files.createDirectories(dir.resolve("encoders"));
        for (String name : List.of("tiny-cnn", "tiny-vit")) {
            EncoderContract.copyBuiltIn(name, encoders.resolve(name + ".pt"));
            try (var contract = EncoderContract.class.getResourceAsStream("/dev/geoloc/model/encoders/" + name + ".json")) {
                Files.copy(contract, encoders.resolve(name + ".json"));
            }
        }
        Path prototypes = TestPrototypes.write(encoders.resolve("tiny-vit-prototypes.json"), RegionCatalog.losAngeles(),
                64, "tiny-vit");

        int exit = TrainerCommand.commandLine().execute(experiment("--encoders",
                encoders.resolve("tiny-vit.pt") + "," + encoders.resolve("tiny-cnn.pt"),
                "--losses", "ce;soft;geo-smooth;expected;ranking", "--prototypes", prototypes.toString(), "--seeds", "1"));

        assertThat(exit).isZero();
        String table = Files.readString(dir.resolve("exp/results.md")).split("## Errors from")[0];
        assertThat(table.lines().filter(line -> line.startsWith("| FT ") || line.startsWith("| Zero-shot ")))
                .hasSize(11).first().asString().startsWith("| Zero-shot tiny-vit | tiny-vit | N/A |");
        for (String encoder : List.of("tiny-vit", "tiny-cnn")) {
            for (String loss : List.of("CE", "Soft Label", "Geo Smooth", "Exp. Dist.", "Ranking")) {
                assertThat(table).contains("| FT " + encoder + " (" + loss + ") | " + encoder + " | " + loss + " |");
            }
        }
    }

    @Test
    void prototypesThatDoNotNameTheirEncoderOrNameAnotherAreWrongUsage() throws IOException {
        RegionCatalog la = RegionCatalog.losAngeles();
        String[] common = {"experiment", "--dataset", dir.toString(), "--out", dir.resolve("exp").toString(),
                "--encoders", "tiny-cnn,tiny-vit", "--prototypes"};
        java.io.StringWriter errors = new java.io.StringWriter();
        CommandLine trainer = TrainerCommand.commandLine().setErr(new java.io.PrintWriter(errors));

        assertThat(trainer.execute(concat(common, TestPrototypes.write(dir.resolve("unnamed.json"), la, 64, null))))
                .isEqualTo(2);
        assertThat(trainer.execute(concat(common, TestPrototypes.write(dir.resolve("other.json"), la, 64, "clip-vitb32"))))
                .isEqualTo(2);
        assertThat(trainer.execute(concat(common, TestPrototypes.write(dir.resolve("wide.json"), la, 512, "tiny-vit"))))
                .isEqualTo(2);
        assertThat(errors.toString()).contains("does not name its encoder", "are for clip-vitb32, which is not among",
                "have 512 dimensions, but tiny-vit embeds in 64");
    }

    private void synthCity() throws IOException {
        new SynthCityGenerator(RegionCatalog.losAngeles(), SynthCityConfig.defaults().withLocationsPerRegion(4)
                .withHeadings(List.of(0, 180)).withSize(64, 64)).generate(dir.resolve("data"), 2, (done, total) -> { });
    }

    private String[] experiment(String... options) {
        List<String> args = new java.util.ArrayList<>(List.of("experiment", "--dataset", dir.resolve("data").toString(),
                "--out", dir.resolve("exp").toString(), "--epochs", "1", "--batch-size", "16", "--device", "cpu"));
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    /** What a command printed on standard output, where the experiment reports its progress. */
    private static String captured(Runnable command) {
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            command.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String[] concat(String[] common, Path prototypes) {
        String[] args = java.util.Arrays.copyOf(common, common.length + 1);
        args[common.length] = prototypes.toString();
        return args;
    }
}
