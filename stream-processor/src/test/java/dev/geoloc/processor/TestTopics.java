package dev.geoloc.processor;

import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;

import dev.geoloc.contracts.Topics;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.TopicsFile;

/** The processor's topics on a test stack, as deployment/topics.conf makes them, sized for tests. */
public final class TestTopics {

    /** Partitions of the event topics: more than one, so that per-partition order is tested. */
    public static final int PARTITIONS = 3;
    /** The limit topics.conf gives the topics that carry whole images; the others keep the broker's 1 MiB. */
    private static final Map<String, String> LARGE_RECORDS = Map.of("max.message.bytes", String.valueOf(10 * 1024 * 1024));

    private TestTopics() {
    }

    /** Creates every topic the processor reads or writes that does not exist yet. */
    public static void create(StreamingStack stack) {
        createStreamTopics(stack, Topics.IMAGE_EVENTS, Topics.REGION_PREDICTIONS, Topics.DEAD_LETTERS, PARTITIONS);
        stack.createTopics(new NewTopic(Topics.MODEL_VERSIONS, 1, (short) 1)
                        .configs(TopicsFile.project(Topics.MODEL_VERSIONS).configs()),
                new NewTopic(Topics.MODEL_STATUS, 1, (short) 1),
                new NewTopic(Topics.SHADOW_PREDICTIONS, PARTITIONS, (short) 1));
    }

    /** Input, predictions and dead-letter topics under other names (a test's own), with topics.conf's limits. */
    public static void createStreamTopics(StreamingStack stack, String events, String predictions, String deadLetters,
                                          int partitions) {
        stack.createTopics(new NewTopic(events, partitions, (short) 1).configs(LARGE_RECORDS),
                new NewTopic(predictions, partitions, (short) 1),
                new NewTopic(deadLetters, partitions, (short) 1).configs(LARGE_RECORDS));
        createPanoramaTopics(stack);
    }

    /**
     * The panorama topics under their default names: every processor reads panorama-views, so it must exist
     * wherever one starts (a source topic that is missing stops Kafka Streams).
     */
    public static void createPanoramaTopics(StreamingStack stack) {
        stack.createTopics(new NewTopic(Topics.PANORAMA_VIEWS, PARTITIONS, (short) 1),
                new NewTopic(Topics.PANORAMA_PREDICTIONS, PARTITIONS, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact,delete")));
    }
}
