package dev.geoloc.trainer.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
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
        assertThat(results).contains("| Model | Backbone | Loss | Accuracy (%) | Mean Error (km) | Acc@1km | Acc@5km | Acc@10km | Acc@25km |")
                .contains("| FT tiny-cnn (CE) | tiny-cnn | CE |", "| FT tiny-cnn (Ranking) | tiny-cnn | Ranking |")
                .contains(" ± ");
        assertThat(dir.resolve("exp/error-cdf.png")).isNotEmptyFile();
        assertThat(dir.resolve("exp/confusion.png")).isNotEmptyFile();
        try (var runs = Files.list(dir.resolve("exp/runs/tiny-cnn"))) {
            assertThat(runs.map(p -> p.getFileName().toString())).hasSize(2).anyMatch(name -> name.startsWith("ranking"));
        }
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

    private static String[] concat(String[] common, Path prototypes) {
        String[] args = java.util.Arrays.copyOf(common, common.length + 1);
        args[common.length] = prototypes.toString();
        return args;
    }
}
