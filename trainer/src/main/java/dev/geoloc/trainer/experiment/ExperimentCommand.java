package dev.geoloc.trainer.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.HeadSpec;
import dev.geoloc.model.ModelBundle;
import dev.geoloc.model.PredictorOptions;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.model.RegionPrototypes;
import dev.geoloc.regions.CatalogReader;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.evaluation.ConfusionPlot;
import dev.geoloc.trainer.evaluation.ErrorCdfPlot;
import dev.geoloc.trainer.evaluation.ErrorMeasure;
import dev.geoloc.trainer.evaluation.Evaluation;
import dev.geoloc.trainer.evaluation.ModelDescription;
import dev.geoloc.trainer.evaluation.ResultsRow;
import dev.geoloc.trainer.evaluation.ResultsTable;
import dev.geoloc.trainer.evaluation.SplitEvaluator;
import dev.geoloc.trainer.loss.LossSpec;
import dev.geoloc.trainer.loss.Losses;
import dev.geoloc.trainer.training.EncoderTraining;
import dev.geoloc.trainer.training.ExampleSet;
import dev.geoloc.trainer.training.GeoTrainer;
import dev.geoloc.trainer.training.TrainingOptions;
import dev.geoloc.trainer.training.TrainingResult;
import dev.geoloc.trainer.zeroshot.ZeroShotBundle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code experiment}: the study's comparison in one command. Trains every encoder x loss x seed on one
 * dataset, evaluates each on the test split, and writes the results table with mean ± std over seeds,
 * error CDFs and the best model's confusion matrix.
 */
@Command(name = "experiment",
        mixinStandardHelpOptions = true,
        description = {"Trains each encoder with each loss and seed on DATASET's train split, evaluates on its test "
                + "split, and writes OUT/results.md (the study's table, mean ± std over seeds), results.json, "
                + "error-cdf.png and confusion.png (best model). Every run keeps its own folder under OUT/runs.",
                "Exit codes: 0 done, 1 failed, 2 wrong usage."})
public final class ExperimentCommand implements Callable<Integer>, ComputesWithLibtorch {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "Dataset folder with manifest.csv.")
    Path dataset;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for runs and results.")
    Path out;

    @Option(names = "--catalog", paramLabel = "FILE", description = "Region catalog (default: the shipped Los Angeles catalog).")
    Path catalog;

    @Option(names = "--encoders", split = ",", defaultValue = "tiny-cnn",
            description = "Encoders: built-in names or exported TorchScript files (default: ${DEFAULT-VALUE}).")
    List<String> encoders;

    @Option(names = "--losses", split = ";", defaultValue = "ce;soft;geo-smooth;expected;ranking",
            description = "Loss specs separated by ';' (default: ${DEFAULT-VALUE}).")
    List<String> losses;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "Seeds per model (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--epochs", defaultValue = "15", description = "Most epochs per run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Head learning rate (default: ${DEFAULT-VALUE}).")
    float headLearningRate;

    @Option(names = "--encoder-lr", defaultValue = "1e-3", description = "Encoder learning rate (default: ${DEFAULT-VALUE}).")
    float encoderLearningRate;

    @Option(names = "--encoder-training", defaultValue = "full", description = "full, frozen or last:N (default: ${DEFAULT-VALUE}).")
    String encoderTraining;

    @Option(names = "--patience", defaultValue = "5", description = "Early-stopping patience in epochs (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--prototypes", paramLabel = "FILE",
            description = "CLIP region-prompt prototypes (export_encoder.py): adds the zero-shot row, the study's "
                    + "CLIP baseline, of the encoder they name (their \"encoder\"), which must be among --encoders.")
    Path prototypesFile;

    @Option(names = "--zero-shot-temperature", defaultValue = "0.01",
            description = "Zero-shot rows: divides the cosine similarities (default: ${DEFAULT-VALUE}).")
    float zeroShotTemperature;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Override
    public Integer call() throws IOException {
        PrintStream console = System.out;
        RegionCatalog regions = catalog == null ? RegionCatalog.losAngeles() : CatalogReader.read(catalog);
        List<LossSpec> specs = new ArrayList<>();
        EncoderTraining training;
        try {
            losses.forEach(text -> specs.add(LossSpec.parse(text)));
            training = EncoderTraining.parse(encoderTraining);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        float[][] prototypes = prototypesFile == null ? null : RegionPrototypes.read(prototypesFile, regions);
        String zeroShotEncoder = prototypesFile == null ? null : zeroShotEncoder(prototypes);
        Manifest manifest = Manifest.read(dataset, regions);
        Manifest test = manifest.withEntries(manifest.split(Split.TEST));
        if (test.entries().isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "The dataset has no test split to evaluate on");
        }
        long start = System.nanoTime();
        List<ResultsRow> rows = new ArrayList<>();
        Map<String, Evaluation> firstSeed = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> perRun = new LinkedHashMap<>();
        for (String encoder : encoders) {
            EncoderContract contract = EncoderContract.BUILT_IN.contains(encoder) ? EncoderContract.builtIn(encoder)
                    : EncoderContract.read(Path.of(encoder.replaceFirst("\\.pt$", "") + ".json"));
            if (contract.name().equals(zeroShotEncoder)) {
                ModelDescription model = new ModelDescription("Zero-shot " + contract.name(), contract.name(),
                        ModelDescription.NO_LOSS);
                console.printf(Locale.ROOT, "%n== %s (no training, so one run whatever the seeds)%n", model.name());
                Evaluation evaluation = zeroShot(encoder, contract, prototypes, test, regions, console);
                firstSeed.put(model.name(), evaluation);
                perRun.put(model.name(), List.of(Map.of("accuracy", evaluation.accuracy(),
                        "mean_error_km", evaluation.distance(ErrorMeasure.REGION_CENTERS).meanKm(),
                        "photo_mean_error_km", evaluation.distance(ErrorMeasure.PHOTO).meanKm())));
                rows.add(new ResultsRow(model, List.of(evaluation)));
            }
            GeoTrainer.Data data = new GeoTrainer.Data(regions,
                    ExampleSet.load(manifest, Split.TRAIN, regions, contract, console),
                    ExampleSet.load(manifest, Split.VALIDATION, regions, contract, console),
                    dataset.toAbsolutePath().getFileName().toString());
            for (LossSpec lossSpec : specs) {
                // Two settings of one loss (soft:sigma=3;soft:sigma=5) need their own rows and folders.
                boolean labelShared = specs.stream().filter(other -> other.label().equals(lossSpec.label())).count() > 1;
                String label = labelShared ? lossSpec.label() + " " + lossSpec : lossSpec.label();
                ModelDescription model = new ModelDescription("FT " + contract.name() + " (" + label + ")",
                        contract.name(), label);
                List<Evaluation> runs = new ArrayList<>();
                for (long seed : seeds) {
                    Path runDirectory = out.resolve("runs").resolve(contract.name())
                            .resolve(lossSpec.toString().replaceAll("[^A-Za-z0-9.=_-]+", "_")).resolve("seed-" + seed);
                    console.printf(Locale.ROOT, "%n== %s, seed %d -> %s%n", model.name(), seed, runDirectory);
                    Evaluation evaluation = trainAndEvaluate(encoder, contract, data, lossSpec, training, seed,
                            runDirectory, test, regions, console);
                    runs.add(evaluation);
                    perRun.computeIfAbsent(model.name(), k -> new ArrayList<>()).add(Map.of("seed", seed,
                            "accuracy", evaluation.accuracy(),
                            "mean_error_km", evaluation.distance(ErrorMeasure.REGION_CENTERS).meanKm(),
                            "photo_mean_error_km", evaluation.distance(ErrorMeasure.PHOTO).meanKm()));
                }
                firstSeed.put(model.name(), runs.get(0));
                rows.add(new ResultsRow(model, runs));
            }
        }
        double minutes = (System.nanoTime() - start) / 6e10;
        writeResults(rows, firstSeed, perRun, minutes);
        console.println();
        console.println(ResultsTable.markdown(rows));
        console.printf(Locale.ROOT, "%d runs in %.1f min; results in %s%n", rows.stream().mapToInt(r -> r.runs().size()).sum(), minutes,
                out.resolve("results.md"));
        return 0;
    }

    private Evaluation trainAndEvaluate(String encoder, EncoderContract contract, GeoTrainer.Data data, LossSpec lossSpec,
                                        EncoderTraining training, long seed, Path runDirectory, Manifest test,
                                        RegionCatalog regions, PrintStream console) throws IOException {
        Files.createDirectories(runDirectory);
        Path encoderFile = EncoderContract.BUILT_IN.contains(encoder)
                ? EncoderContract.copyBuiltIn(encoder, runDirectory.resolve("initial-encoder.pt")) : Path.of(encoder);
        TrainingOptions options = new TrainingOptions("experiment", encoder, training, new HeadSpec.Classifier(256, 0.1f),
                lossSpec.toString(), epochs, batchSize, encoderLearningRate, headLearningRate, 0.05f, 1f, patience,
                true, seed, device, null);
        TrainingResult result = new GeoTrainer(console).train(data, contract, encoderFile, options,
                Losses.create(lossSpec, regions), lossSpec.label(), runDirectory, false);
        try (ModelBundle bundle = ModelBundle.open(result.bundle());
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice(device))) {
            return SplitEvaluator.run(predictor, test, batchSize, new PrintWriter(console, true)).accumulator().result();
        }
    }

    /**
     * The encoder the prototypes were made for: a text embedding is comparable only with its own CLIP image
     * tower, whatever other encoder has the same width (DINOv2 ViT-B/14 and CLIP ViT-L/14 both embed in 768).
     */
    private String zeroShotEncoder(float[][] prototypes) throws IOException {
        String named = RegionPrototypes.encoder(prototypesFile).orElseThrow(() -> new CommandLine.ParameterException(
                spec.commandLine(), "--prototypes " + prototypesFile + " does not name its encoder (\"encoder\": "
                + "\"clip-vitb32\", as export_encoder.py writes it): add it to compare the right image tower"));
        for (String encoder : encoders) {
            EncoderContract contract = EncoderContract.BUILT_IN.contains(encoder) ? EncoderContract.builtIn(encoder)
                    : EncoderContract.read(Path.of(encoder.replaceFirst("\\.pt$", "") + ".json"));
            if (contract.name().equals(named)) {
                if (contract.embeddingDim() != prototypes[0].length) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--prototypes " + prototypesFile
                            + " have " + prototypes[0].length + " dimensions, but " + named + " embeds in "
                            + contract.embeddingDim());
                }
                return named;
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--prototypes " + prototypesFile + " are for "
                + named + ", which is not among --encoders " + encoders);
    }

    private Evaluation zeroShot(String encoder, EncoderContract contract, float[][] prototypes, Manifest test,
                                RegionCatalog regions, PrintStream console) throws IOException {
        Path runDirectory = Files.createDirectories(out.resolve("runs").resolve(contract.name()).resolve("zero-shot"));
        Path encoderFile = EncoderContract.BUILT_IN.contains(encoder)
                ? EncoderContract.copyBuiltIn(encoder, runDirectory.resolve("encoder.pt")) : Path.of(encoder);
        Path bundleDirectory = ZeroShotBundle.write(runDirectory.resolve("bundle"), regions, contract, encoderFile,
                prototypes, zeroShotTemperature);
        try (ModelBundle bundle = ModelBundle.open(bundleDirectory);
             RegionPredictor predictor = RegionPredictor.load(bundle, PredictorOptions.DEFAULT.withDevice(device))) {
            return SplitEvaluator.run(predictor, test, batchSize, new PrintWriter(console, true)).accumulator().result();
        }
    }

    private void writeResults(List<ResultsRow> rows, Map<String, Evaluation> firstSeed,
                              Map<String, List<Map<String, Object>>> perRun, double minutes) throws IOException {
        Files.createDirectories(out);
        String command = "geoloc-trainer experiment --dataset " + dataset + " --encoders " + String.join(",", encoders)
                + " --losses '" + String.join(";", losses) + "' --seeds " + seeds.stream().map(String::valueOf)
                .reduce((a, b) -> a + "," + b).orElse("") + " --epochs " + epochs + " --batch-size " + batchSize
                + " --lr " + headLearningRate + " --encoder-lr " + encoderLearningRate + " --encoder-training "
                + encoderTraining + " --patience " + patience + " --device " + device
                + (prototypesFile == null ? "" : " --prototypes " + prototypesFile + " --zero-shot-temperature "
                + zeroShotTemperature);
        String markdown = "# Experiment results\n\n"
                + "Dataset `" + dataset + "`, test split (" + firstSeed.values().iterator().next().samples()
                + " images); mean ± std over seeds " + seeds + "; " + String.format(Locale.ROOT, "%.1f", minutes)
                + " minutes; " + Instant.now() + ".\n\nCommand: `" + command + "`\n\n"
                + "## Errors between region centers (the study's measure)\n\n" + ResultsTable.markdown(rows)
                + "\n## Errors from the estimated location to the photo's true coordinates\n\n"
                + ResultsTable.markdown(rows, ErrorMeasure.PHOTO);
        Files.writeString(out.resolve("results.md"), markdown);
        Files.writeString(out.resolve("results.json"), new com.fasterxml.jackson.databind.ObjectMapper()
                .writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("command", command, "runs", perRun)));
        ErrorCdfPlot.write(firstSeed, List.of(ErrorMeasure.REGION_CENTERS), "Error CDF, test split (seed " + seeds.get(0)
                + ")", out.resolve("error-cdf.png"));
        ResultsRow best = rows.stream().min(java.util.Comparator.comparingDouble(
                r -> r.spread(e -> e.distance(ErrorMeasure.REGION_CENTERS).meanKm()).mean())).orElseThrow();
        ConfusionPlot.write(firstSeed.get(best.model().name()).confusion(),
                "Confusion matrix: " + best.model().name() + ", test split", out.resolve("confusion.png"));
    }
}
