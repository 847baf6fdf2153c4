package dev.geoloc.processor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.geoloc.processor.topology.GeotagTopology;
import dev.geoloc.stack.StreamingStack;

/**
 * The processor's pending-images store as a restarted processor will restore it: its changelog read up to the last
 * stable offset, with read_committed, so an open transaction's writes are not counted. A crash test kills the
 * processor while this holds images, so that the restart has something to read again.
 */
final class CommittedPendingStore implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String changelog;
    private final Set<Entry> pending = new HashSet<>();
    private List<TopicPartition> partitions = List.of();

    CommittedPendingStore(StreamingStack stack, String applicationId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.changelog = applicationId + "-" + GeotagTopology.PENDING_STORE + "-changelog";
    }

    /** How many images the committed store holds now: 0 until the processor has created its changelog. */
    int images() {
        if (partitions.isEmpty()) {
            List<PartitionInfo> infos = consumer.partitionsFor(changelog, Duration.ofSeconds(5));
            if (infos == null || infos.isEmpty()) {
                return 0;
            }
            partitions = infos.stream().map(info -> new TopicPartition(changelog, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }
        // read_committed: the end offsets are the last stable ones, beyond which a restore does not read either
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                Entry key = new Entry(record.partition(), ByteBuffer.wrap(record.key()));
                if (record.value() == null) {
                    pending.remove(key);
                } else {
                    pending.add(key);
                }
            }
        }
        return pending.size();
    }

    /** Sequence numbers are a task's own: the same key in two partitions is two images. */
    private record Entry(int partition, ByteBuffer key) {
    }

    @Override
    public void close() {
        consumer.close();
    }
}
