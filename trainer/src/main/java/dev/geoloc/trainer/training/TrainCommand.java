package dev.geoloc.trainer.training;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import ai.djl.training.loss.Loss;

import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
import dev.geoloc.dataset.Manifest;
import dev.geoloc.dataset.Split;
import dev.geoloc.model.EncoderContract;
import dev.geoloc.model.HeadSpec;
import dev.geoloc.model.RegionPrototypes;
import dev.geoloc.regions.CatalogReader;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.trainer.loss.LossSpec;
import dev.geoloc.trainer.loss.Losses;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train}: trains an encoder and classifier head on a dataset's train split and writes a bundle. */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        description = {"Trains an encoder and a classifier head on the train split of a dataset (a folder with "
                + "manifest.csv), stops early when the validation mean error stops improving, and writes the best "
                + "epoch as a model bundle in OUT/bundle, with training-log.jsonl and resumable checkpoints.",
                "Exit codes: 0 trained, 1 failed, 2 wrong usage."})
public final class TrainCommand implements Callable<Integer>, ComputesWithLibtorch {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "Dataset folder with manifest.csv (synth or collect write one).")
    Path dataset;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the log, checkpoints and bundle.")
    Path out;

    @Option(names = "--catalog", paramLabel = "FILE", description = "Region catalog (default: the shipped Los Angeles catalog).")
    Path catalog;

    @Option(names = "--encoder", defaultValue = "tiny-cnn", paramLabel = "NAME|FILE.pt",
            description = "Built-in encoder (tiny-cnn, tiny-vit) or an exported TorchScript file with its .json "
                    + "contract beside it (default: ${DEFAULT-VALUE}).")
    String encoder;

    @Option(names = "--encoder-training", defaultValue = "full", paramLabel = "MODE",
            description = "full, frozen, or last:N (train only the encoder's last N parameter tensors) (default: ${DEFAULT-VALUE}).")
    String encoderTraining;

    @Option(names = "--hidden-dim", defaultValue = "256", description = "Classifier head's hidden width (default: ${DEFAULT-VALUE}).")
    int hiddenDim;

    @Option(names = "--dropout", defaultValue = "0.1", description = "Classifier head's dropout (default: ${DEFAULT-VALUE}).")
    float dropout;

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
            description = "ce, soft, geo-smooth, expected or ranking, with parameters after ':' "
                    + "(e.g. geo-smooth:epsilon=0.1,t=10); see docs/training.md (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--epochs", defaultValue = "20", description = "Most epochs to train (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Head learning rate (default: ${DEFAULT-VALUE}).")
    float headLearningRate;

    @Option(names = "--encoder-lr", defaultValue = "1e-3",
            description = "Encoder learning rate; use ~1e-5 for pretrained DINOv2/CLIP (default: ${DEFAULT-VALUE}).")
    float encoderLearningRate;

    @Option(names = "--weight-decay", defaultValue = "0.05", description = "AdamW's decoupled weight decay (default: ${DEFAULT-VALUE}).")
    float weightDecay;

    @Option(names = "--warmup-epochs", defaultValue = "1", description = "Linear warm-up before cosine decay (default: ${DEFAULT-VALUE}).")
    float warmupEpochs;

    @Option(names = "--patience", defaultValue = "5", description = "Stop after this many epochs without a better validation mean error (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--no-augment", description = "Train on the images as they are (no shift or light jitter).")
    boolean noAugment;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialisation, order and augmentation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--model-name", defaultValue = "la-street", description = "Name the bundle carries (default: ${DEFAULT-VALUE}).")
    String modelName;

    @Option(names = "--resume", description = "Continue from OUT/checkpoints/last when it exists.")
    boolean resume;

    @Override
    public Integer call() throws IOException {
        PrintStream console = System.out;
        RegionCatalog regions = catalog == null ? RegionCatalog.losAngeles() : CatalogReader.read(catalog);
        TrainingOptions options;
        LossSpec lossSpec;
        EncoderContract contract;
        try {
            lossSpec = LossSpec.parse(loss);
            contract = contract();
            float[][] prototypes = headType.equals("prototype") && prototypesFile != null
                    ? RegionPrototypes.read(prototypesFile, regions) : null;
            options = new TrainingOptions(modelName, encoder, EncoderTraining.parse(encoderTraining), head(prototypes),
                    loss, epochs, batchSize, encoderLearningRate, headLearningRate, weightDecay, warmupEpochs, patience,
                    !noAugment, seed, device, prototypes);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Manifest manifest = Manifest.read(dataset, regions);
        int size = contract.preprocessing().inputSize();
        ExampleSet train = ExampleSet.load(manifest, Split.TRAIN, regions, contract, console);
        ExampleSet validation = ExampleSet.load(manifest, Split.VALIDATION, regions, contract, console);
        if (train.size() == 0 || validation.size() == 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "The dataset needs images in both the train "
                    + "and the validation split; it has " + train.size() + " and " + validation.size());
        }
        Path encoderFile = encoderFile(Files.createDirectories(out));
        Loss lossFunction = Losses.create(lossSpec, regions);
        console.printf(Locale.ROOT, "Training %s (%dx%d) + %s head with %s loss on %d images, validating on %d%n",
                contract.name(), size, size, options.head().type(), lossSpec.label(), train.size(), validation.size());
        TrainingResult result = new GeoTrainer(console).train(
                new GeoTrainer.Data(regions, train, validation, dataset.toAbsolutePath().getFileName().toString()),
                contract, encoderFile, options, lossFunction, lossSpec.label(), out, resume);
        console.printf(Locale.ROOT, "Best epoch %d of %d%s: validation accuracy %.1f%%, mean error %.2f km%nBundle: %s%n",
                result.best().epoch(), result.epochs().size(), result.stoppedEarly() ? " (stopped early)" : "",
                100 * result.best().validationAccuracy(), result.best().validationMeanErrorKm(), result.bundle());
        return 0;
    }

    private HeadSpec head(float[][] prototypes) {
        return switch (headType) {
            case "classifier" -> new HeadSpec.Classifier(hiddenDim, dropout);
            case "prototype" -> {
                if (prototypes == null) {
                    throw new IllegalArgumentException("--head prototype needs --prototypes FILE");
                }
                yield new HeadSpec.Prototype(prototypes[0].length, temperature);
            }
            default -> throw new IllegalArgumentException("--head " + headType + " is not classifier or prototype");
        };
    }

    private EncoderContract contract() throws IOException {
        if (EncoderContract.BUILT_IN.contains(encoder)) {
            return EncoderContract.builtIn(encoder);
        }
        Path sidecar = Path.of(encoder.replaceFirst("\\.pt$", "") + ".json");
        if (!Files.isRegularFile(Path.of(encoder)) || !Files.isRegularFile(sidecar)) {
            throw new IllegalArgumentException("--encoder " + encoder + " is neither a built-in encoder "
                    + EncoderContract.BUILT_IN + " nor a TorchScript file with its contract " + sidecar);
        }
        return EncoderContract.read(sidecar);
    }

    private Path encoderFile(Path outDirectory) throws IOException {
        if (EncoderContract.BUILT_IN.contains(encoder)) {
            return EncoderContract.copyBuiltIn(encoder, outDirectory.resolve("initial-encoder.pt"));
        }
        return Path.of(encoder);
    }
}
