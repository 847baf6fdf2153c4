package dev.geoloc.processor.intake;

import java.util.Objects;

import dev.geoloc.schemas.DeadLetterCode;

/** An event that cannot be predicted, with the dead-letter code and a reason its producer can act on. */
public final class Rejection extends Exception {

    private final DeadLetterCode code;

    public Rejection(DeadLetterCode code, String reason) {
        super(reason, null, false, false); // a routine outcome: no stack trace to fill
        this.code = Objects.requireNonNull(code);
    }

    public DeadLetterCode code() {
        return code;
    }

    public String reason() {
        return getMessage();
    }
}
