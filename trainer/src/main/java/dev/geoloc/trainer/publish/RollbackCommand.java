package dev.geoloc.trainer.publish;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.geoloc.schemas.ModelVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code geoloc-trainer rollback}: makes an already published version the one processors serve again. */
@Command(name = "rollback",
        sortOptions = false,
        description = {
                "Rolls a model back to a version published before: sends that version's record again, unchanged "
                        + "(same artifact, sha256 and signature), so that it is the model's latest record and every "
                        + "processor following the model swaps to it. Nothing is stored and no quality gate judges: "
                        + "the version was published once already.",
                "",
                "To hold one processor instance on a version instead, pin it: geoloc.model.pinned-version, or "
                        + "PUT /admin/model/pin/{version}.",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:rolled back, or the version was the latest already (nothing sent)",
                "1:the version is not on the topic, or failed: Kafka or the registry could not be reached",
                "2:wrong usage"})
public final class RollbackCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model-name", required = true, paramLabel = "NAME", description = "Model line to roll back.")
    String modelName;

    @Option(names = "--to-version", required = true, paramLabel = "N", description = "Version to serve again.")
    int version;

    @CommandLine.Mixin
    KafkaOptions kafka;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return kafka.onTopic("rollback", topic -> {
            PublishedVersions published = topic.read(modelName);
            Optional<ModelVersion> target = published.find(version);
            if (target.isEmpty()) {
                err.println("rollback failed: " + modelName + " has no version " + version + " on " + topic.name()
                        + (published.history().isEmpty() ? " (nothing is published for it)"
                        : " (published: " + published.history().stream().map(ModelVersion::getVersion).sorted().toList() + ")"));
                return 1;
            }
            int current = published.current().orElseThrow().getVersion();
            if (current == version) {
                out.println(modelName + " version " + version + " is the latest published already; nothing sent");
                return 0;
            }
            var sent = topic.send(target.get());
            out.println("rolled back " + modelName + " to version " + version + " (was version " + current + ")");
            out.println("  artifact: " + target.get().getArtifactUri());
            out.println("  record:   " + topic.name() + " partition " + sent.partition() + ", offset " + sent.offset());
            return 0;
        });
    }
}
