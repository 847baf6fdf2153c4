package dev.geoloc.processor.topology;

import java.nio.ByteBuffer;
import java.time.Instant;

import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.DeadLetterCode;

/**
 * Builds the dead letter of a record: its origin, its key and value bytes, and what was wrong. Its size is bounded
 * by design, so that the dead-letter topic never refuses one: the payload up to its limit, the key (at most
 * geoloc.intake.max-key-bytes; an over-long one was replaced by its digest) twice, and a reason cut to
 * {@link #MAX_REASON_CHARS}.
 */
final class DeadLetters {

    /** Reasons quote decoder messages, which may quote the data: cut, not trusted to be short. */
    static final int MAX_REASON_CHARS = 4096;

    private final int maxPayloadBytes;

    DeadLetters(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    DeadLetter of(String topic, int partition, long offset, byte[] key, byte[] value, DeadLetterCode code,
                  String reason) {
        boolean fits = value == null || value.length <= maxPayloadBytes;
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS) + "... (" + (reason.length() - MAX_REASON_CHARS) + " more characters cut)";
        }
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setErrorCode(code)
                .setReason(fits ? reason : reason + " (the " + value.length + "-byte payload is over "
                        + maxPayloadBytes + " bytes and left out: read it at " + topic + "/" + partition + "@" + offset + ")")
                .setPayload(fits && value != null ? ByteBuffer.wrap(value) : null)
                .setFailedTime(Instant.now())
                .build();
    }
}
