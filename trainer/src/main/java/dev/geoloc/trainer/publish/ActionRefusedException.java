package dev.geoloc.trainer.publish;

import dev.geoloc.contracts.versions.Refusal;

/** An action that processors reading the topic with the command's keys would refuse: it is not sent. */
final class ActionRefusedException extends RuntimeException {

    ActionRefusedException(Refusal refusal, boolean verified) {
        super("nothing sent: processors " + (verified ? "verifying with --verify-key " : "") + "would refuse version "
                + refusal.version() + "'s action (" + refusal.code() + "): " + refusal.reason()
                + (refusal.code() == Refusal.Code.SIGNATURE_INVALID ? "; sign it with --signing-key, the private half of "
                + "a --verify-key" : ""));
    }
}
