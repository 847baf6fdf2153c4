package dev.geoloc.processor.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An input record taken but not yet answered, as the pending store keeps it: where it is in the input topic,
 * not its bytes. A task that restores the store after a crash reads the bytes again from there
 * ({@link InputRereader}), so the changelog carries a few dozen bytes per image instead of the image.
 *
 * @param takenMillis wall-clock time the processor first took it, for queue latency
 */
record PendingRecord(String topic, int partition, long offset, long timestamp, long takenMillis) {

    private static final byte FORMAT = 1;

    static Serde<PendingRecord> serde() {
        Serializer<PendingRecord> serializer = (topic, pending) -> pending == null ? null : pending.toBytes();
        Deserializer<PendingRecord> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private byte[] toBytes() {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 4 + name.length + 4 + 8 + 8 + 8).put(FORMAT).putInt(name.length).put(name)
                .putInt(partition).putLong(offset).putLong(timestamp).putLong(takenMillis).array();
    }

    private static PendingRecord fromBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte format = in.get();
        if (format != FORMAT) {
            throw new IllegalStateException("pending-record format " + format + " is unknown to this version");
        }
        byte[] name = new byte[in.getInt()];
        in.get(name);
        return new PendingRecord(new String(name, StandardCharsets.UTF_8), in.getInt(), in.getLong(), in.getLong(),
                in.getLong());
    }
}
