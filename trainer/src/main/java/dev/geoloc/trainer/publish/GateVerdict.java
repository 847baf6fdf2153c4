package dev.geoloc.trainer.publish;

/**
 * The quality gate's answer.
 *
 * @param passed whether the model may be published without {@code --force}
 * @param reason one sentence for the person publishing: what was compared, or why nothing could be
 */
public record GateVerdict(boolean passed, String reason) {

    static GateVerdict pass(String reason) {
        return new GateVerdict(true, reason);
    }

    static GateVerdict refuse(String reason) {
        return new GateVerdict(false, reason);
    }
}
