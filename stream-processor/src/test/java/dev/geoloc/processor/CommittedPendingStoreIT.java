package dev.geoloc.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import dev.geoloc.processor.topology.GeotagTopology;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * The crash tests' kill condition counts the pending-images store as a restarted processor restores it: committed
 * writes only, a tombstone removing its image, and a key in two partitions being two images.
 */
class CommittedPendingStoreIT {

    private static final byte[] OFFSET = "offset".getBytes(StandardCharsets.UTF_8);

    @Test
    void itCountsCommittedImagesOnlyAsARestoreWouldFindThem() {
        // Given a pending store's changelog with two partitions
        StreamingStack stack = LocalStreamingStack.shared();
        String application = "pending-store-it-" + System.nanoTime();
        String changelog = application + "-" + GeotagTopology.PENDING_STORE + "-changelog";
        stack.createTopics(new NewTopic(changelog, 2, (short) 1));
        try (CommittedPendingStore store = new CommittedPendingStore(stack, application);
             KafkaProducer<byte[], byte[]> producer = transactional(stack, application)) {
            // and, committed, images 1 and 2 in partition 0, image 1 in partition 1, and image 2 answered (a tombstone)
            producer.initTransactions();
            producer.beginTransaction();
            put(producer, changelog, 0, "1", OFFSET);
            put(producer, changelog, 0, "2", OFFSET);
            put(producer, changelog, 1, "1", OFFSET);
            put(producer, changelog, 0, "2", null);
            producer.commitTransaction();
            // and image 9 in a transaction still open
            producer.beginTransaction();
            put(producer, changelog, 1, "9", OFFSET);
            producer.flush();

            // When the store is read, then it holds the two committed images left
            assertThat(store.images()).isEqualTo(2);

            // and once the open transaction commits, its image too
            producer.commitTransaction();
            assertThat(store.images()).isEqualTo(3);
        }
    }

    private static KafkaProducer<byte[], byte[]> transactional(StreamingStack stack, String id) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void put(KafkaProducer<byte[], byte[]> producer, String topic, int partition, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value));
    }
}
