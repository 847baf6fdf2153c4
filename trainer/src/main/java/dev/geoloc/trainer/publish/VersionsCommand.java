package dev.geoloc.trainer.publish;

import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

import dev.geoloc.schemas.ModelVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code geoloc-trainer versions}: what is published for a model, in the order processors would serve it. */
@Command(name = "versions",
        sortOptions = false,
        description = "Lists the versions of a model on the model-versions topic, in the order they were last "
                + "published: the last one is what processors serve unless pinned. Each with its backbone, head, "
                + "loss and evaluation, to choose a version to roll back to.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:listed (also when none is published)",
                "1:failed: Kafka or the registry could not be reached, or the topic does not exist",
                "2:wrong usage"})
public final class VersionsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model-name", required = true, paramLabel = "NAME", description = "Model line to list.")
    String modelName;

    @CommandLine.Mixin
    KafkaOptions kafka;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return kafka.onTopic("versions", topic -> {
            List<ModelVersion> history = topic.read(modelName).history();
            if (history.isEmpty()) {
                out.println("No version of " + modelName + " is published on " + topic.name() + ".");
                return 0;
            }
            out.printf("%s on %s: %d version%s, oldest published first%n", modelName, topic.name(), history.size(),
                    history.size() == 1 ? "" : "s");
            out.printf("  %7s  %-19s  %-16s  %-10s  %-18s  %8s  %10s  %s%n", "version", "created (UTC)", "backbone",
                    "head", "loss", "accuracy", "mean error", "test set");
            for (int i = 0; i < history.size(); i++) {
                ModelVersion v = history.get(i);
                out.printf("  %7d  %-19s  %-16s  %-10s  %-18s  %7.1f%%  %7.2f km  %s%s%n", v.getVersion(),
                        TIME.format(v.getCreatedTime()), v.getBackbone(), v.getHead(), v.getLoss(),
                        100 * v.getMetrics().getAccuracy(), v.getMetrics().getMeanErrorKm(), v.getMetrics().getDataset(),
                        i == history.size() - 1 ? "   <- latest: served unless pinned" : "");
            }
            return 0;
        });
    }
}
