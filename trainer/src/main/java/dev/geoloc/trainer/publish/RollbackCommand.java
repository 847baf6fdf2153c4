package dev.geoloc.trainer.publish;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.geoloc.contracts.versions.RolloutActions;
import dev.geoloc.contracts.versions.RolloutState;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.schemas.RolloutRole;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code geoloc-trainer rollback}: makes a version in service the stable version again. */
@Command(name = "rollback",
        sortOptions = false,
        description = {
                "Rolls a model back to a version in service: sends that version's record as a new STABLE action "
                        + "(same artifact, sha256 and metrics; the model's next sequence, signed with --signing-key), "
                        + "so that every processor following the model swaps to it. It ends any canary or shadow. "
                        + "Nothing is stored and no quality gate judges: the version was published once already. "
                        + "The old record is not sent again: processors would refuse it as a replay. With "
                        + "--signing-key, the topic is read verified (--verify-key, else the signing key's public half): "
                        + "an unsigned version is never signed back into service.",
                "",
                "To hold one processor instance on a version instead, pin it: geoloc.model.pinned-version, or "
                        + "PUT /admin/model/pin/{version}.",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:rolled back, or the version was the stable one already (nothing sent)",
                "1:the version is not in service on the topic, processors verifying signatures would refuse the "
                        + "action, a withdrawal of it could not be verified without --rollback-verify-key (nothing "
                        + "sent, either way), or failed: Kafka or the registry could not be reached",
                "2:wrong usage"})
public final class RollbackCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model-name", required = true, paramLabel = "NAME", description = "Model line to roll back.")
    String modelName;

    @Option(names = "--to-version", required = true, paramLabel = "N", description = "Version to make stable again.")
    int version;

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
        return kafka.onTopic("rollback", signing.key, topic -> {
            ModelRollout rollout = topic.read(modelName);
            RolloutState state = rollout.state();
            Optional<ModelVersion> target = state.find(version);
            if (target.isEmpty()) {
                err.println("rollback failed: " + InService.missing(state, version, topic.name()) + rollout.refusedNote());
                return 1;
            }
            Optional<ModelVersion> stable = state.stable();
            if (stable.isPresent() && stable.get().getVersion() == version) {
                out.println(modelName + " version " + version + " is the stable version already; nothing sent");
                return 0;
            }
            SentAction sent = topic.act(rollout, signing.sign(
                    RolloutActions.of(target.get(), state.nextSequence(), RolloutRole.STABLE, 0, null)));
            out.println("rolled back " + modelName + " to version " + version + " (was "
                    + stable.map(v -> "version " + v.getVersion()).orElse("no stable version") + ")");
            sent.print(out);
            return 0;
        });
    }
}
