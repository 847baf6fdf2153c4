package dev.geoloc.trainer.training;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import ai.djl.training.loss.Loss;

import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.model.CellsFile;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.HeadSpec;
import dev.geoloc.model.RegionPrototypes;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.calibration.Calibrator;
import dev.geoloc.trainer.loss.LossSpec;
import dev.geoloc.trainer.loss.Losses;
import dev.geoloc.trainer.options.CatalogOption;
import dev.geoloc.trainer.options.DatasetOptions;
import dev.geoloc.trainer.options.DeviceOption;
import dev.geoloc.trainer.options.EncoderOption;
import dev.geoloc.trainer.options.EncoderSource;
import dev.geoloc.trainer.options.TrainingKnobs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code train}: trains an encoder and classifier head on a dataset's train split and writes a bundle, calibrated on
 * the validation split as {@code calibrate} would calibrate it.
 */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        description = {"Trains an encoder and a classifier head on the train split of a dataset (a folder with "
                + "manifest.csv), stops early when the validation mean error stops improving, and writes the best "
                + "epoch as a model bundle in OUT/bundle, with training-log.jsonl and resumable checkpoints. The bundle is "
                + "calibrated on the validation split as calibrate does it (temperature, photo spread).",
                "Exit codes: 0 trained, 1 failed, 2 wrong usage."})
public final class TrainCommand implements Callable<Integer>, ComputesWithLibtorch {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    DatasetOptions data;

    @Mixin
    CatalogOption catalog;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the log, checkpoints and bundle.")
    Path out;

    @Mixin
    EncoderOption encoder;

    @Mixin
    TrainingKnobs knobs;

    @Option(names = "--head", defaultValue = "classifier",
            description = "classifier (Linear-ReLU-Dropout-Linear) or prototype (projection to the prototypes' space, "
                    + "scored against fixed region vectors; needs --prototypes) (default: ${DEFAULT-VALUE}).")
    String headType;

    @Option(names = "--prototypes", paramLabel = "FILE",
            description = "Region prototypes JSON for the prototype head, e.g. CLIP text embeddings from export_encoder.py.")
    Path prototypesFile;

    @Option(names = "--temperature", defaultValue = "0.07", description = "Prototype head's temperature (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--loss", defaultValue = "ce", paramLabel = "SPEC",
            description = "ce, soft, geo-smooth, expected, ranking, ce+ranking, or cells (a head over cells below the regions, with an offset in each), with parameters after ':' "
                    + "(e.g. geo-smooth:epsilon=0.1,t=10); see docs/training.md (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialisation, order and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DeviceOption device;

    @Option(names = "--model-name", defaultValue = "la-street", description = "Name the bundle carries (default: ${DEFAULT-VALUE}).")
    String modelName;

    @Option(names = "--resume", description = "Continue from OUT/checkpoints/last when it exists.")
    boolean resume;

    @Override
    public Integer call() throws IOException {
        PrintStream console = System.out;
        RegionCatalog regions = catalog.regions();
        EncoderSource source = encoder.source();
        EncoderContract contract = source.contract();
        TrainingOptions options;
        LossSpec lossSpec;
        try {
            lossSpec = LossSpec.parse(loss);
            float[][] prototypes = headType.equals("prototype") && prototypesFile != null
                    ? RegionPrototypes.read(prototypesFile, regions) : null;
            options = knobs.options(modelName, encoder.given(), head(prototypes), loss, seed, device.device(), prototypes);
            if (lossSpec.trainsCells() && !(options.head() instanceof HeadSpec.Classifier)) {
                throw new IllegalArgumentException("--loss cells needs --head classifier: a prototype head scores regions");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Manifest manifest = data.manifest(regions);
        int size = contract.preprocessing().inputSize();
        ExampleSet train = ExampleSet.load(manifest, Split.TRAIN, regions, contract, console);
        ExampleSet validation = ExampleSet.load(manifest, Split.VALIDATION, regions, contract, console);
        if (train.size() == 0 || validation.size() == 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "The dataset needs images in both the train "
                    + "and the validation split; it has " + train.size() + " and " + validation.size());
        }
        Path encoderFile = source.file(Files.createDirectories(out).resolve("initial-encoder.pt"));
        GeoTrainer.Data trainingData = new GeoTrainer.Data(regions, train, validation, data.name()).forLoss(lossSpec, seed);
        Loss lossFunction = Losses.create(lossSpec, regions, trainingData.cells().map(CellsFile.Contents::partition));
        console.printf(Locale.ROOT, "Training %s (%dx%d) + %s head with %s loss on %d images, validating on %d%n",
                contract.name(), size, size, options.head().type(), lossSpec.label(), train.size(), validation.size());
        TrainingResult result = new GeoTrainer(console).train(
                trainingData, contract, encoderFile, options, lossFunction, lossSpec.label(), out, resume);
        console.printf(Locale.ROOT, "Best epoch %d of %d%s: validation accuracy %.1f%%, mean error %.2f km%nBundle: %s%n",
                result.best().epoch(), result.epochs().size(), result.stoppedEarly() ? " (stopped early)" : "",
                100 * result.best().validationAccuracy(), result.best().validationMeanErrorKm(), result.bundle());
        new Calibrator(new PrintWriter(console, true)).calibrate(result.bundle(), manifest, data.name(), Split.VALIDATION,
                device.device(), null);
        return 0;
    }

    private HeadSpec head(float[][] prototypes) {
        return switch (headType) {
            case "classifier" -> knobs.classifier();
            case "prototype" -> {
                if (prototypes == null) {
                    throw new IllegalArgumentException("--head prototype needs --prototypes FILE");
                }
                yield new HeadSpec.Prototype(prototypes[0].length, temperature);
            }
            default -> throw new IllegalArgumentException("--head " + headType + " is not classifier or prototype");
        };
    }
}
