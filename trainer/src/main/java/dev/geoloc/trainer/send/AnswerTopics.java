package dev.geoloc.trainer.send;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Where a sender reads the answers to the photos it is about to send: the answer topics from their ends. */
public final class AnswerTopics {

    private AnswerTopics() {
    }

    /**
     * Assigns every partition of {@code topics} to {@code consumer} at its current end, fixed before returning: the
     * answers to photos sent afterwards come after it, and older traffic is skipped.
     */
    public static void readFromNow(KafkaConsumer<?, ?> consumer, List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // seekToEnd is lazy: asking for the positions fixes them now, before the first photo goes out.
        partitions.forEach(consumer::position);
    }
}
