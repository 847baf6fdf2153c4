package dev.geoloc.trainer.publish;

import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.geoloc.contracts.versions.Refusal;
import dev.geoloc.contracts.versions.RolloutState;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.trainer.options.OutputOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code geoloc-trainer versions}: what the topic makes serve for a model, as processors fold it. */
@Command(name = "versions",
        sortOptions = false,
        description = {
                "Lists the versions of a model in service on the model-versions topic, in the order they were last "
                        + "acted on, as processors fold the topic: each with the sequence and role of its last action, "
                        + "what it does now (stable, canary and its share, shadow, fallback: made stable before, "
                        + "idle: a former canary or shadow), and its backbone, head, loss and evaluation, to choose a "
                        + "version to promote, roll back to or withdraw. Records that processors would not act on "
                        + "are listed after them, with why.",
                "",
                "Without --verify-key, signatures are not checked and every record counts, which is what processors "
                        + "with geoloc.model.allow-unsigned=true act on; with the processors' public keys, what they "
                        + "act on.",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:listed (also when none is in service)",
                "1:failed: Kafka or the registry could not be reached, or the topic does not exist",
                "2:wrong usage"})
public final class VersionsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String ROW = "  %7s  %8s  %-14s  %-6s  %-14s  %-19s  %-16s  %-10s  %-18s  %8s  %10s  %s%n";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model-name", required = true, paramLabel = "NAME", description = "Model line to list.")
    String modelName;

    @CommandLine.Mixin
    KafkaOptions kafka;

    @CommandLine.Mixin
    OutputOption output;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return kafka.onTopic("versions", topic -> {
            ModelRollout rollout = topic.read(modelName);
            RolloutState state = rollout.state();
            List<ModelVersion> history = state.history();
            if (output.json()) {
                OutputOption.print(out, document(topic.name(), rollout));
                return 0;
            }
            if (history.isEmpty()) {
                out.println("No version of " + modelName + " is in service on " + topic.name() + ".");
            } else {
                out.printf("%s on %s: %d version%s in service, oldest acted on first; %s%n", modelName, topic.name(),
                        history.size(), history.size() == 1 ? "" : "s", state.describe());
                out.printf(ROW, "version", "sequence", "last action", "signed", "now", "created (UTC)", "backbone",
                        "head", "loss", "accuracy", "mean error", "test set");
                for (ModelVersion v : history) {
                    out.printf(ROW, v.getVersion(), v.getSequence(), SentAction.describe(v),
                            v.getSignature() == null ? "no" : "yes", InService.role(state, v.getVersion()),
                            TIME.format(v.getCreatedTime()), v.getBackbone(), v.getHead(), v.getLoss(),
                            String.format(Locale.ROOT, "%.1f%%", 100 * v.getMetrics().getAccuracy()),
                            String.format(Locale.ROOT, "%.2f km", v.getMetrics().getMeanErrorKm()),
                            v.getMetrics().getDataset());
                }
            }
            printRefusals(out, rollout.refusals());
            out.println(rollout.verified()
                    ? "Verified with --verify-key: this is what processors with these public keys act on."
                    : "Records were not verified: every record counts, as for processors with "
                    + "geoloc.model.allow-unsigned=true; pass --verify-key to see what processors verifying "
                    + "signatures act on.");
            return 0;
        });
    }

    /** What the table shows, as JSON: the fold's summary, each version in service, each record not acted on. */
    private Map<String, Object> document(String topicName, ModelRollout rollout) {
        RolloutState state = rollout.state();
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("model_name", modelName);
        document.put("topic", topicName);
        document.put("verified", rollout.verified());
        document.put("serving", state.describe());
        document.put("versions", state.history().stream().map(v -> {
            Map<String, Object> version = new LinkedHashMap<>();
            version.put("version", v.getVersion());
            version.put("sequence", v.getSequence());
            version.put("last_action", SentAction.describe(v));
            version.put("signed", v.getSignature() != null);
            version.put("now", InService.role(state, v.getVersion()));
            version.put("created_time", v.getCreatedTime().toString());
            version.put("backbone", v.getBackbone());
            version.put("head", v.getHead());
            version.put("loss", v.getLoss());
            version.put("accuracy", v.getMetrics().getAccuracy());
            version.put("mean_error_km", v.getMetrics().getMeanErrorKm());
            version.put("dataset", v.getMetrics().getDataset());
            return version;
        }).toList());
        document.put("refused", rollout.refusals().stream().map(refusal -> Map.of("version", refusal.version(),
                "sequence", refusal.sequence(), "code", refusal.code().toString(), "reason", refusal.reason())).toList());
        return document;
    }

    private static void printRefusals(PrintWriter out, List<Refusal> refusals) {
        if (refusals.isEmpty()) {
            return;
        }
        out.printf("%d record%s not acted on (what serves is as if they were not there):%n", refusals.size(),
                refusals.size() == 1 ? "" : "s");
        for (Refusal refusal : refusals) {
            out.printf("  version %d, sequence %d: %s, %s%n", refusal.version(), refusal.sequence(), refusal.code(),
                    refusal.reason());
        }
    }
}
