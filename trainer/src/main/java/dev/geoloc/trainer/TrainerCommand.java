package dev.geoloc.trainer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import dev.geoloc.trainer.bench.BenchPredictorCommand;
import dev.geoloc.trainer.calibration.CalibrateCommand;
import dev.geoloc.trainer.retrieval.GalleryCommand;
import dev.geoloc.trainer.collect.CollectCommand;
import dev.geoloc.trainer.evaluation.EvaluateCommand;
import dev.geoloc.trainer.experiment.ExperimentCommand;
import dev.geoloc.trainer.numerics.NumericsGate;
import dev.geoloc.trainer.numerics.SelfCheckCommand;
import dev.geoloc.trainer.compare.CompareCommand;
import dev.geoloc.trainer.precision.HalfCommand;
import dev.geoloc.trainer.publish.PromoteCommand;
import dev.geoloc.trainer.publish.PublishCommand;
import dev.geoloc.trainer.publish.RollbackCommand;
import dev.geoloc.trainer.publish.VersionsCommand;
import dev.geoloc.trainer.publish.WithdrawCommand;
import dev.geoloc.trainer.send.SendCommand;
import dev.geoloc.trainer.synth.SynthCommand;
import dev.geoloc.trainer.training.TrainCommand;
import dev.geoloc.trainer.zeroshot.ZeroShotCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code geoloc-trainer}: the job that trains, evaluates and publishes region models. Subcommands hang
 * off this root; exit codes follow picocli: 0 done, 1 failed, 2 wrong usage. Commands that compute with libtorch
 * start with the numerics self-check ({@link NumericsGate}).
 */
@Command(name = "geoloc-trainer",
        mixinStandardHelpOptions = true,
        versionProvider = TrainerCommand.Version.class,
        subcommands = {SynthCommand.class, CollectCommand.class, TrainCommand.class, CalibrateCommand.class, GalleryCommand.class,
                HalfCommand.class, EvaluateCommand.class, ZeroShotCommand.class, ExperimentCommand.class, PublishCommand.class, VersionsCommand.class,
                PromoteCommand.class, RollbackCommand.class, WithdrawCommand.class, CompareCommand.class, SendCommand.class,
                BenchPredictorCommand.class, SelfCheckCommand.class},
        description = "Trains, evaluates and publishes street-level geolocation models.")
public final class TrainerCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The trainer's command line, as {@code main} runs it: for callers that run commands in their own process. */
    public static CommandLine commandLine() {
        return NumericsGate.install(new CommandLine(new TrainerCommand()).setCaseInsensitiveEnumValuesAllowed(true));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /** The project version, written into the jar at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties build = new Properties();
            try (InputStream in = TrainerCommand.class.getResourceAsStream("/geoloc-trainer-version.properties")) {
                build.load(in);
            }
            return new String[] {"geoloc-trainer " + build.getProperty("version")};
        }
    }
}
