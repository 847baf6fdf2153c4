package dev.geoloc.processor.panorama;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The fusing task's two changelogged stores, and how a deadline key is laid out. */
public final class PanoramaStores {

    /** Group id to {@link PanoramaState}. */
    public static final String GROUPS = "panorama-groups";
    /** Deadline then group id, to nothing: the groups in the order their next phase is due. */
    public static final String DEADLINES = "panorama-deadlines";

    private PanoramaStores() {
    }

    public static StoreBuilder<KeyValueStore<String, PanoramaState>> groups(Map<String, String> changelog) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GROUPS), Serdes.String(), PanoramaState.serde())
                .withLoggingEnabled(changelog);
    }

    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> deadlines(Map<String, String> changelog) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DEADLINES), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingEnabled(changelog);
    }

    /** Big-endian milliseconds first, so that byte order is time order (deadlines are never negative). */
    static Bytes deadlineKey(long deadlineMs, String groupId) {
        byte[] id = groupId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(Math.max(0, deadlineMs)).put(id).array());
    }

    static String groupOf(Bytes deadlineKey) {
        byte[] key = deadlineKey.get();
        return new String(Arrays.copyOfRange(key, Long.BYTES, key.length), StandardCharsets.UTF_8);
    }
}
