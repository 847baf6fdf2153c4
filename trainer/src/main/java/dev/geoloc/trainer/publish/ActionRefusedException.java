package dev.geoloc.trainer.publish;

import dev.geoloc.contracts.versions.Refusal;

/** An action that processors reading the topic with the command's keys would refuse: it is not sent. */
final class ActionRefusedException extends RuntimeException {

    /** @param verifiedWith where the keys came from ({@link TopicKeys#source()}); null if nothing was verified */
    ActionRefusedException(Refusal refusal, String verifiedWith) {
        super("nothing sent: processors " + (verifiedWith != null ? "verifying with " + verifiedWith + " " : "")
                + "would refuse version " + refusal.version() + "'s action (" + refusal.code() + "): " + refusal.reason()
                + (refusal.code() == Refusal.Code.SIGNATURE_INVALID ? "; sign it with --signing-key, the private half of "
                + "a --verify-key" : ""));
    }

    /** An action not sent for another reason than a refusal of the fold: {@code message} says why. */
    ActionRefusedException(String message) {
        super("nothing sent: " + message);
    }
}
