package dev.geoloc.processor.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An input record taken but not yet answered, as the pending store keeps it: where it is in the input topic and
 * its key, not its value. A task that restores the store after a crash reads the value again from there
 * ({@link InputRereader}), so the changelog carries a few dozen bytes per image instead of the image.
 *
 * @param key the record's key, so that even a record the log no longer has is dead-lettered under its key (for a key
 *            over the intake limit, the stand-in its answer carries)
 */
record PendingRecord(String topic, int partition, long offset, long timestamp, byte[] key) {

    private static final byte FORMAT = 2;

    /** Where the record is, as dead letters' reasons name it: {@code topic/partition@offset}. */
    String place() {
        return topic + "/" + partition + "@" + offset;
    }

    static Serde<PendingRecord> serde() {
        Serializer<PendingRecord> serializer = (topic, pending) -> pending == null ? null : pending.toBytes();
        Deserializer<PendingRecord> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private byte[] toBytes() {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        int keyLength = key == null ? -1 : key.length;
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + name.length + 4 + 8 + 8 + 4 + Math.max(0, keyLength))
                .put(FORMAT).putInt(name.length).put(name).putInt(partition).putLong(offset).putLong(timestamp)
                .putInt(keyLength);
        if (key != null) {
            out.put(key);
        }
        return out.array();
    }

    private static PendingRecord fromBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte format = in.get();
        if (format != FORMAT) {
            throw new IllegalStateException("pending-record format " + format + " is unknown to this version");
        }
        byte[] name = new byte[in.getInt()];
        in.get(name);
        int partition = in.getInt();
        long offset = in.getLong();
        long timestamp = in.getLong();
        int keyLength = in.getInt();
        byte[] key = null;
        if (keyLength >= 0) {
            key = new byte[keyLength];
            in.get(key);
        }
        return new PendingRecord(new String(name, StandardCharsets.UTF_8), partition, offset, timestamp, key);
    }
}
