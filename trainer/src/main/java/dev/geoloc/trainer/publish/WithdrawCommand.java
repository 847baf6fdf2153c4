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

/** {@code geoloc-trainer withdraw}: takes a version out of service. */
@Command(name = "withdraw",
        sortOptions = false,
        description = {
                "Withdraws a version: sends its record as a new WITHDRAWN action (the model's next sequence, signed "
                        + "with --signing-key), so that processors serve it no more. If it was the stable version, the "
                        + "version made stable before it serves again; with none left, running processors keep what "
                        + "they serve and new ones have nothing to start with. Compaction keeps the record, so the "
                        + "withdrawal holds for processors started later. Never a tombstone: it cannot be signed, and "
                        + "processors that verify signatures ignore it.",
                ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:withdrawn",
                "1:the version is not in service on the topic (with --signing-key: as processors verifying "
                        + "signatures fold it), processors verifying signatures would refuse the action (nothing sent), "
                        + "or failed: Kafka or the registry could not be reached",
                "2:wrong usage"})
public final class WithdrawCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model-name", required = true, paramLabel = "NAME", description = "Model line of the version.")
    String modelName;

    @Option(names = "--version", required = true, paramLabel = "N", description = "Version to withdraw.")
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
        return kafka.onTopic("withdraw", signing.key, topic -> {
            ModelRollout rollout = topic.read(modelName);
            RolloutState state = rollout.state();
            Optional<ModelVersion> target = state.find(version);
            if (target.isEmpty()) {
                err.println("withdraw failed: " + InService.missing(state, version, topic.name()) + rollout.refusedNote());
                return 1;
            }
            String was = InService.role(state, version);
            SentAction sent = topic.act(rollout, signing.sign(
                    RolloutActions.of(target.get(), state.nextSequence(), RolloutRole.WITHDRAWN, 0, null)));
            out.println("withdrew " + modelName + " version " + version + " (was " + was + ")");
            sent.print(out);
            return 0;
        });
    }
}
