package dev.geoloc.trainer.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.dataset.SplitPlan;
import dev.geoloc.dataset.SplitRecord;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.TrainerCommand;
import picocli.CommandLine;

class SynthCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int run(String... args) {
        CommandLine command = TrainerCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        return command.execute(args);
    }

    @Test
    void writesATinyDatasetWithItsManifestAndSummary() throws IOException {
        Path sheet = dir.resolve("sheet.png");

        int exit = run("synth", "--out", dir.resolve("data").toString(), "--locations-per-region", "10", "--size", "32",
                "--headings", "0,180", "--threads", "2", "--contact-sheet", sheet.toString());

        assertThat(exit).as(err.toString()).isZero();
        Manifest manifest = Manifest.read(dir.resolve("data"), RegionCatalog.losAngeles());
        assertThat(manifest.entries()).hasSize(15 * 10 * 2);
        SplitRecord split = SplitRecord.read(dir.resolve("data")).orElseThrow();
        assertThat(split.mode()).isEqualTo(SplitPlan.Mode.BLOCKED);
        assertThat(manifest.split(Split.TEST)).hasSize(split.images().get(Split.TEST).intValue()).isNotEmpty();
        assertThat(ImageIO.read(manifest.resolve(manifest.entries().get(0)).toFile()).getWidth()).isEqualTo(32);
        assertThat(ImageIO.read(sheet.toFile())).isNotNull();
        assertThat(out.toString())
                .contains("300/300 images (100%)")
                .containsPattern("Wrote 300 images and .*manifest.csv in [\\d.]+ s: \\d+ images/s")
                .contains("split: " + split.describe());
    }

    @Test
    void theSplitModeFractionsAndBlocksAreOptions() throws IOException {
        int exit = run("synth", "--out", dir.toString(), "--locations-per-region", "10", "--size", "16", "--headings", "0,180",
                "--split", "grouped", "--fractions", "0.6,0.2,0.2");

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("split: grouped (seed 42): 180 train, 60 validation, 60 test images");
        assertThat(run("synth", "--out", dir.toString(), "--split", "spatial")).isEqualTo(2);
        assertThat(err.toString()).contains("split mode 'spatial' is not one of blocked, grouped, naive");
        assertThat(run("synth", "--out", dir.toString(), "--buffer-km", "-1")).isEqualTo(2);
    }

    @Test
    void helpDescribesTheOptionsAndSaysItIsSynthetic() {
        assertThat(run("synth", "--help")).isZero();
        assertThat(out.toString()).contains("SYNTHETIC", "--locations-per-region", "--size", "--headings", "--threads",
                "--seed", "--catalog", "--split", "--fractions", "--block-km", "--buffer-km");
    }

    @Test
    void wrongUsageExitsWithTwo() {
        assertThat(run("synth")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--out=DIR'");
        assertThat(run("synth", "--out", dir.toString(), "--size", "5")).isEqualTo(2);
        assertThat(err.toString()).contains("must be 16 to 1024");
        assertThat(run("synth", "--out", dir.toString(), "--fractions", "0.5,0.5")).isEqualTo(2);
        assertThat(run("synth", "--out", dir.toString(), "--headings", "400")).isEqualTo(2);
    }

    @Test
    void aBrokenCatalogFailsWithOne() throws IOException {
        Path catalog = Files.writeString(dir.resolve("bad.json"), "{\"regions\": []}");

        assertThat(run("synth", "--out", dir.resolve("data").toString(), "--catalog", catalog.toString())).isEqualTo(1);
    }
}
