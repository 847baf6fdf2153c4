package dev.geoloc.trainer.zeroshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.dataset.synth.SynthCityConfig;
import dev.geoloc.dataset.synth.SynthCityGenerator;
import dev.geoloc.model.HeadSpec;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.TrainerCommand;
import picocli.CommandLine;

/** The prototype head end to end: the zero-shot baseline, and training with fixed region prototypes. */
class ZeroShotCommandTest {

    private static final RegionCatalog LA = RegionCatalog.losAngeles();

    @TempDir
    static Path data;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() throws IOException {
        new SynthCityGenerator(LA, SynthCityConfig.defaults().withLocationsPerRegion(4).withHeadings(List.of(0, 180))
                .withSize(64, 64)).generate(data, 2, (done, total) -> { });
    }

    @Test
    void zeroShotScoresEveryTestImageAgainstTheRegionPrototypes() throws IOException {
        Path prototypes = prototypes(64);

        int exit = TrainerCommand.commandLine().execute("zero-shot", "--encoder", "tiny-vit",
                "--prototypes", prototypes.toString(), "--dataset", data.toString(), "--out", dir.resolve("zs").toString(),
                "--device", "cpu");

        assertThat(exit).isZero();
        assertThat(new ObjectMapper().readTree(dir.resolve("zs/evaluation.json").toFile()).toString())
                .contains("\"samples\":30");
        try (ModelBundle bundle = ModelBundle.open(dir.resolve("zs/bundle"))) {
            assertThat(bundle.manifest().head()).isEqualTo(new HeadSpec.Prototype(64, 0.01f));
        }
    }

    @Test
    void trainsAPrototypeHeadThatThePredictorServes() throws IOException {
        Path prototypes = prototypes(24);

        int exit = TrainerCommand.commandLine().execute("train", "--dataset", data.toString(),
                "--out", dir.resolve("run").toString(), "--head", "prototype", "--prototypes", prototypes.toString(),
                "--epochs", "1", "--batch-size", "16", "--device", "cpu");

        assertThat(exit).isZero();
        try (ModelBundle bundle = ModelBundle.open(dir.resolve("run/bundle"));
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice("cpu"))) {
            assertThat(bundle.manifest().head()).isEqualTo(new HeadSpec.Prototype(24, 0.07f));
            predictor.warmUp(2);
        }
    }

    private Path prototypes(int dimensions) throws IOException {
        return TestPrototypes.write(dir.resolve("prototypes-" + dimensions + ".json"), LA, dimensions, "tiny-vit");
    }
}
