package dev.geoloc.processor.topology;

import java.nio.ByteBuffer;
import java.time.Instant;

import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.DeadLetterCode;

/** Builds the dead letter of a record: its origin, its key and value bytes, and what was wrong. */
final class DeadLetters {

    private final int maxPayloadBytes;

    DeadLetters(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    DeadLetter of(String topic, int partition, long offset, byte[] key, byte[] value, DeadLetterCode code,
                  String reason) {
        boolean fits = value == null || value.length <= maxPayloadBytes;
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
