package dev.geoloc.contracts;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.geoloc.schemas.DeadLetter;

/** What a dead letter says about the event it stands for: the event's key, which is its image id. */
public final class DeadLetterKeys {

    private DeadLetterKeys() {
    }

    /** The failed event's key as text; empty for an event that had none. Reads the buffer without moving it. */
    public static Optional<String> imageId(DeadLetter letter) {
        return Optional.ofNullable(letter.getKey()).map(key -> StandardCharsets.UTF_8.decode(key.duplicate()).toString());
    }
}
