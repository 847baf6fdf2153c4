package dev.geoloc.trainer.collect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.SplitPlan;
import dev.geoloc.dataset.SplitRecord;
import dev.geoloc.dataset.Splitter;
import dev.geoloc.trainer.TrainerCommand;
import dev.geoloc.trainer.collect.FakeStreetView.Fault;
import picocli.CommandLine;

class CollectCommandTest {

    @TempDir
    Path dir;
    private Path out;
    private Path catalog;
    private FakeStreetView fake;
    private final StringWriter stdout = new StringWriter();
    private final StringWriter stderr = new StringWriter();
    private Map<String, String> environment = Map.of(CollectCommand.KEY_VARIABLE, FakeStreetView.KEY);

    @BeforeEach
    void start() throws IOException {
        fake = new FakeStreetView();
        out = dir.resolve("dataset");
        catalog = Files.writeString(dir.resolve("catalog.json"), TestRegions.JSON);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private int run(String... args) {
        CommandLine command = new CommandLine(new CollectCommand(environment::get));
        command.setOut(new PrintWriter(stdout));
        command.setErr(new PrintWriter(stderr));
        return command.execute(args);
    }

    /** A small, fast run against the fake: short timeout and backoff. */
    private int collect(String... extra) {
        List<String> args = new ArrayList<>(List.of("--out", out.toString(), "--catalog", catalog.toString(),
                "--base-url", fake.baseUrl().toString(), "--rate", "500", "--timeout", "2s", "--backoff", "1ms",
                "--max-retries", "2"));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    @Test
    void collectsAndPrintsASummary() throws IOException {
        assertThat(collect("--samples", "2")).isZero();

        assertThat(Manifest.read(out, TestRegions.catalog()).entries()).hasSize(8);
        assertThat(stdout.toString())
                .contains("region", "accepted", "zero_results", "out_of_radius", "duplicates", "downloaded")
                .containsPattern("alpha\\s+2\\s+2\\s+2/8\\s+0\\s+0\\s+0\\s+0\\s+4\\s+4")
                .contains("manifest: " + out.resolve(Manifest.FILE_NAME) + " (8 images)")
                .contains("split: blocked (0.4 km blocks, 0.1 km buffer, seed 42): ");
        assertThat(stderr.toString()).contains("[beta] 2/2 panoramas");
    }

    @Test
    void theSplitModeAndItsBlocksAreOptions() throws IOException {
        assertThat(collect("--samples", "2", "--split", "grouped", "--seed", "3")).isZero();
        assertThat(SplitRecord.read(out).orElseThrow().mode()).isEqualTo(SplitPlan.Mode.GROUPED);
        assertThat(stdout.toString()).contains("split: grouped (seed 3): ");

        assertThat(collect("--samples", "2", "--split", "blocked", "--block-km", "0.2", "--buffer-km", "0.05")).isZero();
        assertThat(SplitRecord.read(out).orElseThrow().blocks()).contains(new Splitter.BlockedSplit(0.2, 0.05));

        assertThat(collect("--split", "spatial")).isEqualTo(2);
        assertThat(stderr.toString()).contains("split mode 'spatial' is not one of blocked, grouped, naive");
        assertThat(collect("--block-km", "0")).isEqualTo(2);
    }

    @Test
    void aSecondRunDownloadsNothing() {
        assertThat(collect("--regions", "alpha")).isZero();
        int images = fake.imageRequests();
        int lookups = fake.metadataRequests();

        assertThat(collect("--regions", "alpha")).isZero();

        assertThat(fake.imageRequests()).isEqualTo(images);
        assertThat(fake.metadataRequests()).isEqualTo(lookups);
        assertThat(stdout.toString()).containsPattern("alpha\\s+4\\s+4\\s+4/8\\s+0\\s+0\\s+0\\s+0\\s+8\\s+0");
    }

    @Test
    void readsTheKeyFromAFile() throws IOException {
        environment = Map.of();
        Path keyFile = Files.writeString(dir.resolve("key.txt"), FakeStreetView.KEY + "\n");

        assertThat(collect("--samples", "1", "--regions", "beta", "--api-key-file", keyFile.toString())).isZero();

        Files.writeString(keyFile, FakeStreetView.KEY + "\nsomething else\n");
        assertThat(collect("--api-key-file", keyFile.toString())).isEqualTo(2);
        assertThat(stderr.toString()).contains("must hold the key alone").doesNotContain("AIzaFAKE");
    }

    @Test
    void withoutAKeyItIsWrongUsage() {
        environment = Map.of();

        assertThat(collect()).isEqualTo(2);
        assertThat(stderr.toString()).contains("No API key: set GOOGLE_MAPS_API_KEY or pass --api-key-file");
        assertThat(fake.metadataRequests()).isZero();
    }

    @Test
    void thereIsNoOptionForTheKeyItself() {
        assertThat(collect("--api-key", FakeStreetView.KEY)).isEqualTo(2);
        assertThat(stderr.toString()).contains("Unknown option");
    }

    @Test
    void aDeniedKeyFailsAtOnceWithExitOneAndWithoutPrintingIt() {
        String wrongKey = "AIzaWRONG-key";
        environment = Map.of(CollectCommand.KEY_VARIABLE, wrongKey);

        assertThat(collect()).isEqualTo(1);

        assertThat(stderr.toString()).contains("collect failed", "REQUEST_DENIED", "key=REDACTED",
                "run the same command again to resume");
        assertThat(stdout + stderr.toString()).doesNotContain(wrongKey);
        assertThat(fake.metadataRequests()).isOne();
    }

    @Test
    void persistentQuotaErrorsFailWithExitOne() {
        fake.metadataOutage(Fault.OVER_QUERY_LIMIT);

        assertThat(collect()).isEqualTo(1);

        assertThat(stderr.toString()).contains("Giving up", "after 3 tries", "OVER_QUERY_LIMIT", "lower --rate");
        assertThat(stdout + stderr.toString()).doesNotContain("AIzaFAKE");
        assertThat(fake.metadataRequests()).isEqualTo(3);
    }

    @Test
    void transientErrorsAndATimeoutAreRidden() throws IOException {
        fake.failMetadata(Fault.OVER_QUERY_LIMIT, Fault.HTTP_500, Fault.SLOW);
        fake.failImages(Fault.HTTP_429);

        // Three failures in a row for the first lookup: it takes the third retry.
        assertThat(run("--out", out.toString(), "--catalog", catalog.toString(), "--base-url", fake.baseUrl().toString(),
                "--timeout", "300ms", "--backoff", "1ms", "--max-retries", "3", "--samples", "1", "--regions", "alpha"))
                .isZero();

        assertThat(Manifest.read(out, TestRegions.catalog()).entries()).hasSize(2);
    }

    @Test
    void badOptionsAreWrongUsage() {
        assertThat(collect("--regions", "gamma")).isEqualTo(2);
        assertThat(stderr.toString()).contains("Unknown region 'gamma'", "[alpha, beta]");
        assertThat(collect("--size", "1024x1024")).isEqualTo(2);
        assertThat(collect("--samples", "0")).isEqualTo(2);
        assertThat(collect("--rate", "0")).isEqualTo(2);
        assertThat(collect("--timeout", "soon")).isEqualTo(2);
        assertThat(collect("--fov", "150")).isEqualTo(2);
        assertThat(run("--out", out.toString(), "--catalog", catalog.toString(),
                "--base-url", fake.baseUrl().toString(), "--timeout", "0s")).isEqualTo(2);
        assertThat(stderr.toString()).contains("--timeout must be positive");
        assertThat(fake.metadataRequests()).isZero();
    }

    @Test
    void theKeyNeverTravelsOverPlainHttpToAnotherMachine() {
        assertThat(run("--out", out.toString(), "--catalog", catalog.toString(),
                "--base-url", "http://maps.example.com/streetview")).isEqualTo(2);

        assertThat(stderr.toString()).contains("is plain http: the API key would cross the network unencrypted");
        assertThat(fake.metadataRequests()).isZero();
    }

    @Test
    void helpExplainsTheKeyAndTheExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(stdout.toString()).contains("GOOGLE_MAPS_API_KEY", "--api-key-file", "never from the command line",
                "Exit codes:", "--base-url", "--samples", "--rate", "--max-retries", "--timeout", "Resumable");
    }

    @Test
    void isASubcommandOfTheTrainer() {
        CommandLine trainer = TrainerCommand.commandLine();
        trainer.setOut(new PrintWriter(stdout));
        assertThat(trainer.execute("--help")).isZero();
        assertThat(stdout.toString()).contains("collect");
        assertThat(trainer.getSubcommands()).containsKey("collect");
    }
}
