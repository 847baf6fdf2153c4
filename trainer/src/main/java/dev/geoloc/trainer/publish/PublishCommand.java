package dev.geoloc.trainer.publish;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;

import dev.geoloc.schemas.EvaluationMetrics;
import dev.geoloc.schemas.RolloutRole;
import dev.geoloc.trainer.numerics.ComputesWithLibtorch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code geoloc-trainer publish}: stores a model bundle and announces it on the model-versions topic. */
@Command(name = "publish",
        sortOptions = false,
        description = {
                "Publishes a model bundle: stores its archive as the model's next version in the model store, "
                        + "then sends a ModelVersion record (Avro, through the schema registry), keyed "
                        + "<model name>/<version>, to the model-versions topic, which processors follow. The record "
                        + "is an action with the model's next sequence: the version becomes stable and ends any "
                        + "canary or shadow, or with --canary or --shadow it goes beside the stable version.",
                "",
                "Quality gate: a model whose mean distance error is higher than the stable version's on the same "
                        + "test set (or equal, with a lower accuracy) is refused, and so is one evaluated on another "
                        + "test set or region catalog, since it cannot be compared. --force publishes anyway. The "
                        + "first version always passes.",
                "",
                "With --signing-key, the topic is read verified (--verify-key, else the signing key's public half): "
                        + "the gate judges against the stable version processors verifying signatures serve, never "
                        + "against an unsigned record.",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:published",
                "1:refused by the quality gate (nothing stored or sent), or failed: Kafka, the registry or the "
                        + "store could not be reached or refused, or processors verifying signatures would refuse "
                        + "the action (stored, not sent)",
                "2:wrong usage: bad option, invalid bundle, missing or invalid metrics, --canary or --shadow with no "
                        + "stable version, --verify-key without --signing-key"})
public final class PublishCommand implements Callable<Integer>, ComputesWithLibtorch {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--bundle", required = true, paramLabel = "PATH",
            description = "Model bundle: a directory or its zip archive.")
    Path bundle;

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "Model line to publish under (default: the bundle's model_name).")
    String modelName;

    @Option(names = "--metrics", paramLabel = "FILE",
            description = "Evaluation to publish with, a JSON object with the record's metric names "
                    + "as evaluate --out writes it (default: the bundle's metrics, if they are a full evaluation; "
                    + "train's bundles carry only validation figures).")
    Path metricsFile;

    @CommandLine.Mixin
    StoreOptions store;

    @CommandLine.Mixin
    KafkaOptions kafka;

    @Option(names = "--notes", paramLabel = "TEXT", description = "Free text for the record.")
    String notes;

    @ArgGroup(exclusive = true)
    Beside beside;

    /** A new version that goes beside the stable version instead of replacing it. */
    static final class Beside {
        @Option(names = "--canary", paramLabel = "PERCENT", required = true,
                description = "Publish as a canary that answers PERCENT (1-99) of the images, chosen by a hash of "
                        + "their key, beside the stable version; promote makes it stable.")
        int canaryPercent;

        @Option(names = "--shadow", required = true,
                description = "Publish as a shadow that answers every image again, to the shadow-predictions topic "
                        + "only, beside the stable version; compare reads both.")
        boolean shadow;
    }

    @CommandLine.Mixin
    SigningKeyOption signing;

    @Option(names = "--force", description = "Publish even if the quality gate refuses.")
    boolean force;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try (StoreOptions.StoreHandle stored = store.open()) {
            ModelVersionPublisher publisher = new ModelVersionPublisher(stored.store(), kafka.settings(), kafka.topic,
                    kafka.topicKeys(signing.key), Clock.systemUTC());
            RolloutRole role = role();
            PublishResult result = publisher.publish(new PublishRequest(bundle, modelName, metrics(), force, notes,
                    role, role == RolloutRole.CANARY ? beside.canaryPercent : 0, signing.key));
            int exit;
            if (result instanceof PublishResult.Published published) {
                printPublished(spec.commandLine().getOut(), published);
                exit = 0;
            } else {
                PublishResult.Refused refused = (PublishResult.Refused) result;
                err.println("publish refused for " + refused.modelName() + ": " + refused.verdict().reason() + ".");
                err.println("Nothing was stored or sent. Publish anyway with --force.");
                exit = 1;
            }
            // After what was done is said: a failure to check cannot make a version published look unpublished.
            kafka.warnIfTopicLosesRecords(kafka.settings());
            return exit;
        } catch (InvalidPublishInputException e) {
            throw usage(e.getMessage());
        } catch (TimeoutException e) {
            err.println("publish failed: " + e.getMessage() + " (" + kafka.unreachableHint() + ")");
            return 1;
        } catch (IOException | UncheckedIOException | KafkaException | ActionRefusedException
                 | software.amazon.awssdk.core.exception.SdkException e) {
            err.println("publish failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("publish interrupted");
            return 1;
        } finally {
            err.flush();
        }
    }

    private RolloutRole role() {
        if (beside == null) {
            return RolloutRole.STABLE;
        }
        if (beside.shadow) {
            return RolloutRole.SHADOW;
        }
        if (beside.canaryPercent < 1 || beside.canaryPercent > 99) {
            throw usage("--canary takes a share of 1 to 99 %, not " + beside.canaryPercent
                    + " (publish without it to make the version stable)");
        }
        return RolloutRole.CANARY;
    }

    private EvaluationMetrics metrics() {
        if (metricsFile == null) {
            return null;
        }
        try {
            var reported = EvaluationMetricsReader.reportedBundleDigest(metricsFile);
            if (reported.isPresent()) {
                try (dev.geoloc.model.ModelBundle opened = dev.geoloc.model.ModelBundle.open(bundle)) {
                    if (!reported.get().equals(opened.digest())) {
                        throw usage("--metrics " + metricsFile + " evaluates the bundle " + reported.get()
                                + ", not " + bundle + " (" + opened.digest() + "): publish a model with its own metrics");
                    }
                } catch (dev.geoloc.model.BundleException e) {
                    throw usage(e.getMessage());
                }
            }
            return EvaluationMetricsReader.fromFile(metricsFile);
        } catch (IOException e) {
            throw usage("Cannot read --metrics " + metricsFile + ": " + e.getMessage());
        } catch (InvalidPublishInputException e) {
            throw usage(e.getMessage());
        }
    }

    private void printPublished(PrintWriter out, PublishResult.Published published) {
        var record = published.sent().record();
        out.println("published " + record.getModelName() + " version " + record.getVersion());
        published.sent().print(out);
        out.println("  numerics: " + published.numerics().describe());
        out.println("  gate:     " + (published.forced() ? "refused, overridden by --force: " : "passed: ")
                + published.verdict().reason());
        out.flush();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
