package dev.geoloc.processor.topology;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's topology: image events in (as bytes, so that broken ones reach the geotagger and become dead
 * letters), one geotagging node with its changelogged pending store, predictions, dead letters and a shadow
 * version's predictions out. Output
 * keys are the input's key bytes, untouched, so each image's answer lands in the partition its event came from
 * would (same key, same partitioner).
 */
public final class GeotagTopology {

    static final String SOURCE = "image-events-source";
    static final String GEOTAGGER = "geotagger";
    static final String PREDICTIONS_SINK = "predictions-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";
    static final String SHADOW_PREDICTIONS_SINK = "shadow-predictions-sink";
    /** Where the images taken but not yet answered are; its changelog is what makes a crash lose nothing. */
    public static final String PENDING_STORE = "pending-images";

    /**
     * The pending store's changelog holds short-lived entries: small segments, compacted often, so that a
     * restore replays minutes of history, not the default gigabyte-sized segment.
     */
    private static final Map<String, String> CHANGELOG = Map.of("segment.bytes", String.valueOf(16 * 1024 * 1024),
            "segment.ms", String.valueOf(10 * 60 * 1000), "min.cleanable.dirty.ratio", "0.1",
            "delete.retention.ms", String.valueOf(60 * 60 * 1000));

    private GeotagTopology() {
    }

    static Topology build(String imageEvents, String predictions, String deadLetters, String shadowPredictions,
                          PipelineParts parts, Serde<SpecificRecord> valueSerde) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), imageEvents);
        topology.addProcessor(GEOTAGGER, () -> new GeotagProcessor(parts), SOURCE);
        // Persistent (RocksDB), not in memory, though the changelog alone restores it: a topology with a persistent
        // store keeps its Streams process id in the state directory, so a process restarted after a kill has the
        // same transactional ids and fences the dead one's open transaction at once, instead of waiting 10 to 20 s
        // for the broker to time it out (docs/stream-processor.md, "Recovery time").
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE),
                        Serdes.Long(), PendingRecord.serde()).withLoggingEnabled(CHANGELOG), GEOTAGGER);
        topology.addSink(PREDICTIONS_SINK, predictions, Serdes.ByteArray().serializer(), valueSerde.serializer(),
                GEOTAGGER);
        topology.addSink(DEAD_LETTERS_SINK, deadLetters, Serdes.ByteArray().serializer(), valueSerde.serializer(),
                GEOTAGGER);
        // Written only while a shadow version runs; nothing downstream reads it.
        topology.addSink(SHADOW_PREDICTIONS_SINK, shadowPredictions, Serdes.ByteArray().serializer(),
                valueSerde.serializer(), GEOTAGGER);
        return topology;
    }
}
