package dev.geoloc.processor.topology;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import dev.geoloc.processor.panorama.PanoramaFuser;
import dev.geoloc.processor.panorama.PanoramaSettings;
import dev.geoloc.processor.panorama.PanoramaStores;
import dev.geoloc.processor.panorama.ViewAnswer;

/**
 * The processor's topology, in two steps.
 *
 * <p>Geotagging: image events in (as bytes, so that broken ones reach the geotagger and become dead letters), one
 * geotagging node with its changelogged pending store, predictions, dead letters and a shadow version's predictions
 * out. Output keys are the input's key bytes, untouched, so each image's answer lands in the partition its event
 * came from would (same key, same partitioner).
 *
 * <p>Panorama fusion: the geotagger also writes each answer of a photo that belongs to a capture group to
 * panorama-views, keyed by the group, so that one task sees all of a group's views wherever their events were;
 * that task fuses them into one PanoramaPrediction ({@link PanoramaFuser}). Both steps commit in the same
 * exactly-once transactions, so a view is fused once or, after a crash, not yet.
 */
public final class GeotagTopology {

    static final String SOURCE = "image-events-source";
    static final String GEOTAGGER = "geotagger";
    static final String PREDICTIONS_SINK = "predictions-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";
    static final String SHADOW_PREDICTIONS_SINK = "shadow-predictions-sink";
    static final String PANORAMA_VIEWS_SINK = "panorama-views-sink";
    static final String PANORAMA_VIEWS_SOURCE = "panorama-views-source";
    static final String PANORAMA_FUSER = "panorama-fuser";
    static final String PANORAMA_PREDICTIONS_SINK = "panorama-predictions-sink";
    /** Where the images taken but not yet answered are; its changelog is what makes a crash lose nothing. */
    public static final String PENDING_STORE = "pending-images";

    /**
     * The stores' changelogs hold short-lived entries: small segments, compacted often, so that a restore replays
     * minutes of history, not the default gigabyte-sized segment.
     */
    private static final Map<String, String> CHANGELOG = Map.of("segment.bytes", String.valueOf(16 * 1024 * 1024),
            "segment.ms", String.valueOf(10 * 60 * 1000), "min.cleanable.dirty.ratio", "0.1",
            "delete.retention.ms", String.valueOf(60 * 60 * 1000));

    private GeotagTopology() {
    }

    static Topology build(TopologyTopics topics, PipelineParts parts, PanoramaSettings panoramas,
                          Serde<SpecificRecord> valueSerde) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                topics.imageEvents());
        topology.addProcessor(GEOTAGGER, () -> new GeotagProcessor(parts), SOURCE);
        // Persistent (RocksDB), not in memory, though the changelog alone restores it: a topology with a persistent
        // store keeps its Streams process id in the state directory, so a process restarted after a kill has the
        // same transactional ids and fences the dead one's open transaction at once, instead of waiting 10 to 20 s
        // for the broker to time it out (docs/stream-processor.md, "Recovery time").
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE),
                        Serdes.Long(), PendingRecord.serde()).withLoggingEnabled(CHANGELOG), GEOTAGGER);
        topology.addSink(PREDICTIONS_SINK, topics.predictions(), Serdes.ByteArray().serializer(),
                valueSerde.serializer(), GEOTAGGER);
        topology.addSink(DEAD_LETTERS_SINK, topics.deadLetters(), Serdes.ByteArray().serializer(),
                valueSerde.serializer(), GEOTAGGER);
        // Written only while a shadow version runs; nothing downstream reads it.
        topology.addSink(SHADOW_PREDICTIONS_SINK, topics.shadowPredictions(), Serdes.ByteArray().serializer(),
                valueSerde.serializer(), GEOTAGGER);

        // Views are read back as bytes: a record there that this version cannot read is dropped by the fuser, never
        // a deserialization failure that stops the task.
        topology.addSink(PANORAMA_VIEWS_SINK, topics.panoramaViews(), Serdes.ByteArray().serializer(),
                ViewAnswer.serde().serializer(), GEOTAGGER);
        topology.addSource(PANORAMA_VIEWS_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                topics.panoramaViews());
        topology.addProcessor(PANORAMA_FUSER, () -> new PanoramaFuser(panoramas, parts.models()::predictorOver,
                parts.metrics(), PANORAMA_PREDICTIONS_SINK), PANORAMA_VIEWS_SOURCE);
        topology.addStateStore(PanoramaStores.groups(CHANGELOG), PANORAMA_FUSER);
        topology.addStateStore(PanoramaStores.deadlines(CHANGELOG), PANORAMA_FUSER);
        topology.addSink(PANORAMA_PREDICTIONS_SINK, topics.panoramaPredictions(), Serdes.ByteArray().serializer(),
                valueSerde.serializer(), PANORAMA_FUSER);
        return topology;
    }
}
