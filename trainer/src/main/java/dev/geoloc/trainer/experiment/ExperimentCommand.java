package dev.geoloc.trainer.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.model.CellsFile;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.RegionPrototypes;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.evaluation.Evaluation;
import dev.geoloc.trainer.evaluation.ModelDescription;
import dev.geoloc.trainer.evaluation.ResultsRow;
import dev.geoloc.trainer.evaluation.ResultsTable;
import dev.geoloc.trainer.evaluation.SplitEvaluator;
import dev.geoloc.trainer.loss.LossSpec;
import dev.geoloc.trainer.loss.Losses;
import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
import dev.geoloc.trainer.options.CatalogOption;
import dev.geoloc.trainer.options.DatasetOptions;
import dev.geoloc.trainer.options.DeviceOption;
import dev.geoloc.trainer.options.EncoderSource;
import dev.geoloc.trainer.options.OutputOption;
import dev.geoloc.trainer.options.TrainingKnobs;
import dev.geoloc.trainer.training.ExampleSet;
import dev.geoloc.trainer.training.GeoTrainer;
import dev.geoloc.trainer.training.TrainingOptions;
import dev.geoloc.trainer.zeroshot.ZeroShotBundle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code experiment}: the study's comparison in one command. Trains every encoder x loss x seed on one dataset,
 * evaluates each on the test split, and writes the results table, error CDFs and the best model's confusion matrix.
 * Runs unattended and resumes: every run keeps its own folder, a finished run is evaluated again rather than trained
 * again, and an interrupted one continues from its last epoch.
 */
@Command(name = "experiment",
        mixinStandardHelpOptions = true,
        description = {"Trains each encoder with each loss and seed on DATASET's train split, evaluates on its test "
                + "split, and writes OUT/results.md (the study's table), results.json, error-cdf.png and "
                + "confusion.png (best model). Every run keeps its own folder under OUT/runs; run the same command "
                + "again to resume after an interruption, or with more seeds, losses or encoders to add runs.",
                "--sweep instead trains each loss at several values of the hyperparameter the study does not give "
                        + "and compares them on the validation split, in OUT/sweep.md.",
                "Exit codes: 0 done, 1 failed, 2 wrong usage."})
public final class ExperimentCommand implements Callable<Integer>, ComputesWithLibtorch {

    static final String SETTINGS_FILE = "experiment-settings.txt";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatasetOptions data;

    @Mixin
    CatalogOption catalog;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for runs and results.")
    Path out;

    @Option(names = "--encoders", split = ",", defaultValue = "tiny-cnn", paramLabel = "NAME|FILE.pt",
            description = "Encoders: built-in names or exported TorchScript files (default: ${DEFAULT-VALUE}).")
    List<String> encoders;

    @Option(names = "--losses", split = ";", defaultValue = "ce;soft;geo-smooth;expected;ranking;ce+ranking",
            description = "Loss specs separated by ';' (default: ${DEFAULT-VALUE}).")
    List<String> losses;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3,4,5", description = "Seeds per model (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Mixin
    TrainingKnobs knobs;

    @Option(names = "--prototypes", paramLabel = "FILE",
            description = "CLIP region-prompt prototypes (export_encoder.py): adds the zero-shot row, the study's "
                    + "CLIP baseline, of the encoder they name (their \"encoder\"), which must be among --encoders.")
    Path prototypesFile;

    @Option(names = "--zero-shot-temperature", defaultValue = "0.01",
            description = "Zero-shot rows: divides the cosine similarities (default: ${DEFAULT-VALUE}).")
    float zeroShotTemperature;

    @Option(names = "--sweep",
            description = "Train each loss at several values of σ (soft), λ (expected) or the margin (ranking, "
                    + "ce+ranking), with the first seed, and compare them on the validation split.")
    boolean sweep;

    @Mixin
    DeviceOption device;

    @Mixin
    OutputOption output;

    @Override
    public Integer call() throws IOException {
        PrintStream console = output.console();
        RegionCatalog regions = catalog.regions();
        List<LossSpec> specs = new ArrayList<>();
        List<EncoderSource> sources = new ArrayList<>();
        try {
            losses.forEach(text -> specs.add(LossSpec.parse(text)));
            for (String encoder : encoders) {
                sources.add(EncoderSource.resolve(encoder));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<LossSpec> trained = sweep ? SweepGrid.expand(specs) : specs;
        List<Long> runSeeds = sweep ? seeds.subList(0, 1) : seeds;
        Split evaluated = sweep ? Split.VALIDATION : Split.TEST;
        float[][] prototypes = prototypesFile == null || sweep ? null : RegionPrototypes.read(prototypesFile, regions);
        String zeroShotEncoder = prototypes == null ? null : zeroShotEncoder(prototypes, sources);
        Manifest manifest = data.manifest(regions);
        Manifest evaluationImages = manifest.withEntries(manifest.split(evaluated));
        if (evaluationImages.entries().isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "The dataset has no " + evaluated.label()
                    + " split to evaluate on");
        }
        keepSettings();
        console.println("Split: " + data.splitDescription());

        List<ResultsRow> rows = new ArrayList<>();
        List<List<PlannedRun>> planned = plan(sources, trained, runSeeds);
        RunClock clock = new RunClock(planned.stream().mapToInt(List::size).sum());
        int next = 1;
        for (EncoderSource source : sources) {
            if (source.contract().name().equals(zeroShotEncoder)) {
                ModelDescription model = new ModelDescription("Zero-shot " + source.contract().name(),
                        source.contract().name(), ModelDescription.NO_LOSS);
                console.printf(Locale.ROOT, "%n== %s (no training, so one run whatever the seeds)%n", model.name());
                rows.add(ResultsRow.of(model, zeroShot(source, prototypes, evaluationImages, regions, console)));
            }
            GeoTrainer.Data trainingData = null;
            for (List<PlannedRun> row : planned) {
                if (!row.get(0).encoder().given().equals(source.given())) {
                    continue;
                }
                List<Evaluation> runs = new ArrayList<>();
                for (PlannedRun run : row) {
                    console.printf(Locale.ROOT, "%n== %s, seed %d -> %s%n   %s%n", run.model().name(), run.seed(),
                            run.directory(), clock.line(next++));
                    if (run.finished()) {
                        console.println("   finished earlier: evaluating its bundle");
                        clock.skipped();
                    } else {
                        if (trainingData == null) {
                            trainingData = trainingData(manifest, regions, source, console);
                        }
                        long start = System.nanoTime();
                        train(run, trainingData, regions, console);
                        clock.trained(System.nanoTime() - start);
                    }
                    runs.add(evaluate(run.bundle(), evaluationImages, console));
                }
                rows.add(new ResultsRow(row.get(0).model(), runs));
            }
        }
        double trainingMinutes = 0;
        for (List<PlannedRun> row : planned) {
            for (PlannedRun run : row) {
                trainingMinutes += run.trainedSeconds() / 60;
            }
        }
        ExperimentReport report = new ExperimentReport(out, command(), data.dataset(), data.splitDescription(),
                evaluated, runSeeds, trainingMinutes, clock.minutes());
        Path written = sweep ? report.writeSweep(rows) : report.writeResults(rows);
        console.println();
        console.println(ResultsTable.markdown(rows));
        console.printf(Locale.ROOT, "%d runs in %.1f min; results in %s%n",
                rows.stream().mapToInt(r -> r.runs().size()).sum(), clock.minutes(), written);
        if (output.json()) {
            OutputOption.print(spec.commandLine().getOut(), report.document(rows));
        }
        return 0;
    }

    /** The runs of each results row (one per seed), rows in the order encoders then losses. */
    private List<List<PlannedRun>> plan(List<EncoderSource> sources, List<LossSpec> specs, List<Long> runSeeds) {
        List<List<PlannedRun>> rows = new ArrayList<>();
        for (EncoderSource source : sources) {
            for (LossSpec lossSpec : specs) {
                // Two settings of one loss (soft:sigma=3;soft:sigma=5) need their own rows and folders.
                boolean labelShared = specs.stream().filter(other -> other.label().equals(lossSpec.label())).count() > 1;
                String label = labelShared ? lossSpec.label() + " " + lossSpec : lossSpec.label();
                ModelDescription model = new ModelDescription("FT " + source.contract().name() + " (" + label + ")",
                        source.contract().name(), label);
                rows.add(runSeeds.stream().map(seed -> new PlannedRun(source, model, lossSpec, seed,
                        PlannedRun.directory(out, source, lossSpec, seed))).toList());
            }
        }
        return rows;
    }

    private GeoTrainer.Data trainingData(Manifest manifest, RegionCatalog regions, EncoderSource source,
                                         PrintStream console) throws IOException {
        return new GeoTrainer.Data(regions,
                ExampleSet.load(manifest, Split.TRAIN, regions, source.contract(), console),
                ExampleSet.load(manifest, Split.VALIDATION, regions, source.contract(), console), data.name());
    }

    private void train(PlannedRun run, GeoTrainer.Data trainingData, RegionCatalog regions, PrintStream console)
            throws IOException {
        Files.createDirectories(run.directory());
        Path encoderFile = run.encoder().file(run.directory().resolve("initial-encoder.pt"));
        TrainingOptions options = knobs.options("experiment", run.encoder().given(), knobs.classifier(),
                run.loss().toString(), run.seed(), device.device(), null);
        GeoTrainer.Data data = trainingData.forLoss(run.loss(), run.seed());
        new GeoTrainer(console).train(data, run.encoder().contract(), encoderFile, options,
                Losses.create(run.loss(), regions, data.cells().map(CellsFile.Contents::partition)), run.loss().label(),
                run.directory(), true);
        Files.writeString(run.directory().resolve(PlannedRun.FINISHED), "");
    }

    private Evaluation evaluate(Path bundlePath, Manifest images, PrintStream console) throws IOException {
        try (ModelBundle bundle = ModelBundle.open(bundlePath);
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice(device.device()))) {
            return SplitEvaluator.run(predictor, images, knobs.batchSize(), new PrintWriter(console, true))
                    .accumulator().result();
        }
    }

    /**
     * The runs under OUT were trained with one dataset and one set of knobs: resuming with others would put runs of
     * two experiments in one table. More seeds, losses or encoders are fine: they are new runs.
     */
    private void keepSettings() throws IOException {
        String settings = "dataset " + data.dataset().toAbsolutePath().normalize() + "\n" + knobs.commandLine() + "\n";
        Path file = out.resolve(SETTINGS_FILE);
        if (Files.isRegularFile(file) && !Files.readString(file).equals(settings)) {
            throw new CommandLine.ParameterException(spec.commandLine(), out + " holds runs trained with other "
                    + "settings (" + Files.readString(file).strip().replace('\n', ' ') + "); use another --out");
        }
        Files.createDirectories(out);
        Files.writeString(file, settings);
    }

    /**
     * The encoder the prototypes were made for: a text embedding is comparable only with its own CLIP image tower,
     * whatever other encoder has the same width (DINOv2 ViT-B/14 and CLIP ViT-L/14 both embed in 768).
     */
    private String zeroShotEncoder(float[][] prototypes, List<EncoderSource> sources) throws IOException {
        String named = RegionPrototypes.encoder(prototypesFile).orElseThrow(() -> new CommandLine.ParameterException(
                spec.commandLine(), "--prototypes " + prototypesFile + " does not name its encoder (\"encoder\": "
                + "\"clip-vitb32\", as export_encoder.py writes it): add it to compare the right image tower"));
        for (EncoderSource source : sources) {
            if (source.contract().name().equals(named)) {
                if (source.contract().embeddingDim() != prototypes[0].length) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--prototypes " + prototypesFile
                            + " have " + prototypes[0].length + " dimensions, but " + named + " embeds in "
                            + source.contract().embeddingDim());
                }
                return named;
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--prototypes " + prototypesFile + " are for "
                + named + ", which is not among --encoders " + encoders);
    }

    private Evaluation zeroShot(EncoderSource source, float[][] prototypes, Manifest images, RegionCatalog regions,
                                PrintStream console) throws IOException {
        Path runDirectory = Files.createDirectories(out.resolve("runs").resolve(source.contract().name())
                .resolve("zero-shot"));
        Path bundleDirectory = ZeroShotBundle.write(runDirectory.resolve("bundle"), regions, source.contract(),
                source.file(runDirectory.resolve("encoder.pt")), prototypes, zeroShotTemperature);
        return evaluate(bundleDirectory, images, console);
    }

    /** The command that reproduces this experiment, for the results file. */
    private String command() {
        return "geoloc-trainer experiment --dataset " + data.dataset() + " --encoders " + String.join(",", encoders)
                + " --losses '" + String.join(";", losses) + "' --seeds " + seeds.stream().map(String::valueOf)
                .reduce((a, b) -> a + "," + b).orElse("") + " " + knobs.commandLine() + " --device " + device.device()
                + (sweep ? " --sweep" : "")
                + (prototypesFile == null ? "" : " --prototypes " + prototypesFile + " --zero-shot-temperature "
                + zeroShotTemperature);
    }
}
