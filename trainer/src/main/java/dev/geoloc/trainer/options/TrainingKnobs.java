package dev.geoloc.trainer.options;

import dev.geoloc.model.HeadSpec;
import dev.geoloc.trainer.training.EncoderTraining;
import dev.geoloc.trainer.training.TrainingOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options that shape a training run, with their defaults, declared once for {@code train} and {@code experiment}
 * so that an experiment's runs are trained as {@code train} would train them.
 */
public final class TrainingKnobs {

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--encoder-training", defaultValue = "full", paramLabel = "MODE",
            description = "full, frozen, or last:N (train only the encoder's last N parameter tensors) "
                    + "(default: ${DEFAULT-VALUE}).")
    String encoderTraining;

    @Option(names = "--hidden-dim", defaultValue = "256", description = "Classifier head's hidden width (default: ${DEFAULT-VALUE}).")
    int hiddenDim;

    @Option(names = "--dropout", defaultValue = "0.1", description = "Classifier head's dropout (default: ${DEFAULT-VALUE}).")
    float dropout;

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

    @Option(names = "--patience", defaultValue = "5",
            description = "Stop after this many epochs without a better validation mean error (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--no-augment", description = "Train on the images as they are (no shift or light jitter).")
    boolean noAugment;

    public int batchSize() {
        return batchSize;
    }

    /** The Linear-ReLU-Dropout-Linear head these knobs size. */
    public HeadSpec.Classifier classifier() {
        return new HeadSpec.Classifier(hiddenDim, dropout);
    }

    /**
     * A run's options: these knobs plus what each run sets for itself.
     *
     * @throws ParameterException (exit code 2) for an unreadable {@code --encoder-training} or out-of-range values
     */
    public TrainingOptions options(String modelName, String encoder, HeadSpec head, String loss, long seed,
                                   String device, float[][] prototypes) {
        try {
            return new TrainingOptions(modelName, encoder, EncoderTraining.parse(encoderTraining), head, loss, epochs,
                    batchSize, encoderLearningRate, headLearningRate, weightDecay, warmupEpochs, patience, !noAugment,
                    seed, device, prototypes);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), e.getMessage());
        }
    }

    /** The knobs as command-line options, for a results file's reproducing command. */
    public String commandLine() {
        return "--epochs " + epochs + " --batch-size " + batchSize + " --lr " + headLearningRate + " --encoder-lr "
                + encoderLearningRate + " --weight-decay " + weightDecay + " --warmup-epochs " + warmupEpochs
                + " --patience " + patience + " --encoder-training " + encoderTraining + " --hidden-dim " + hiddenDim
                + " --dropout " + dropout + (noAugment ? " --no-augment" : "");
    }
}
