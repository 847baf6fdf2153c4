package dev.geoloc.trainer.publish;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.geoloc.contracts.versions.Canary;
import dev.geoloc.contracts.versions.RolloutActions;
import dev.geoloc.contracts.versions.RolloutState;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code geoloc-trainer promote}: makes the canary, or the shadow, the stable version. */
@Command(name = "promote",
        sortOptions = false,
        description = {
                "Promotes a model's canary to stable: sends its record as a new STABLE action (the model's next "
                        + "sequence, signed with --signing-key), so that it answers every image and the version stable "
                        + "before it serves no more (it stays in service to roll back to). With --shadow, promotes the "
                        + "shadow instead. No quality gate judges: the version passed it when it was published. "
                        + "compare, and the processors' geoloc_version_* metrics by role, say how it did.",
                "",
                "With --signing-key, only a version that a trusted key signed is promoted: the topic is read "
                        + "verified with --verify-key, else with the signing key's public half; never an unsigned "
                        + "record, which anyone who can write to the topic could have sent.",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:promoted",
                "1:the model has no canary (or no shadow, with --shadow) that processors act on, processors "
                        + "verifying signatures would refuse the action, a withdrawal of the canary could not be "
                        + "verified without --rollback-verify-key (nothing sent, either way), or failed: Kafka or the "
                        + "registry could not be reached",
                "2:wrong usage"})
public final class PromoteCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model-name", required = true, paramLabel = "NAME", description = "Model line to promote in.")
    String modelName;

    @Option(names = "--shadow", description = "Promote the shadow version instead of the canary.")
    boolean shadow;

    @CommandLine.Mixin
    SigningKeyOption signing;

    @CommandLine.Mixin
    KafkaOptions kafka;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return kafka.onTopic("promote", signing.key, topic -> {
            ModelRollout rollout = topic.read(modelName);
            RolloutState state = rollout.state();
            Optional<ModelVersion> candidate = shadow ? state.shadow() : state.canary().map(Canary::version);
            if (candidate.isEmpty()) {
                err.println("promote failed: " + modelName + " has no " + (shadow ? "shadow" : "canary") + " on "
                        + topic.name() + " (" + state.describe() + "); publish one with "
                        + (shadow ? "--shadow" : "--canary PERCENT") + rollout.refusedNote());
                return 1;
            }
            ModelVersion promoted = candidate.get();
            String was = InService.role(state, promoted.getVersion());
            SentAction sent = topic.act(rollout, signing.sign(
                    RolloutActions.of(promoted, state.nextSequence(), RolloutRole.STABLE, 0, null)));
            out.println("promoted " + modelName + " version " + promoted.getVersion() + " from " + was + " to stable"
                    + state.stable().map(v -> " (stable before: version " + v.getVersion() + ")").orElse(""));
            sent.print(out);
            return 0;
        });
    }
}
