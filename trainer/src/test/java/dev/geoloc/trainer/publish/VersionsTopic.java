package dev.geoloc.trainer.publish;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.geoloc.contracts.versions.ModelVersionKey;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.schemas.ModelVersion;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.TopicsFile;
import picocli.CommandLine;

/**
 * A model-versions topic of its own on the test stack, configured as deployment/topics.conf makes it, and the
 * trainer's commands run against it with their output captured.
 */
final class VersionsTopic {

    final String name;
    final StringWriter stdout = new StringWriter();
    final StringWriter stderr = new StringWriter();
    private final StreamingStack stack;

    private VersionsTopic(StreamingStack stack, String name) {
        this.stack = stack;
        this.name = name;
    }

    static VersionsTopic create(StreamingStack stack, int partitions) {
        return createWith(stack, partitions, TopicsFile.project("model-versions").configs());
    }

    /** One with {@code configs} instead of those deployment/topics.conf gives it. */
    static VersionsTopic createWith(StreamingStack stack, int partitions, Map<String, String> configs) {
        VersionsTopic topic = new VersionsTopic(stack, "model-versions-" + UUID.randomUUID());
        stack.createTopics(new NewTopic(topic.name, partitions, (short) 1).configs(configs));
        return topic;
    }

    /** One that does not exist. */
    static VersionsTopic missing(StreamingStack stack) {
        return new VersionsTopic(stack, "no-such-topic-" + UUID.randomUUID());
    }

    /** Forgets what the commands run so far printed, so that the next one's output stands alone. */
    void clearOutput() {
        stdout.getBuffer().setLength(0);
        stderr.getBuffer().setLength(0);
    }

    /** Runs {@code command} with {@code args} and the options that point it at this topic; returns its exit code. */
    int run(Object command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--topic", name, "--bootstrap-servers", stack.bootstrapServers(),
                "--schema-registry-url", stack.schemaRegistryUrl()));
        CommandLine line = new CommandLine(command);
        line.setOut(new PrintWriter(stdout));
        line.setErr(new PrintWriter(stderr));
        return line.execute(all.toArray(String[]::new));
    }

    /**
     * Writes {@code record} under {@code key} as it is, as anyone with write access to the topic could, into the
     * partition the trainer puts the model's records in.
     */
    void send(String key, ModelVersion record) throws Exception {
        SpecificAvroSerde<ModelVersion> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        try (KafkaProducer<String, ModelVersion> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringSerializer(),
                serde.serializer())) {
            int partition = ModelVersionKey.parse(key).orElseThrow().partition(producer.partitionsFor(name).size());
            producer.send(new ProducerRecord<>(name, partition, key, record)).get();
        }
    }

    /** The value of the last record of a one-partition topic: what the last command sent. */
    ModelVersion last() {
        List<ConsumerRecord<String, ModelVersion>> all = records();
        return all.get(all.size() - 1).value();
    }

    /** Every committed record, partition by partition, read as a processor would: registry serde, read_committed. */
    List<ConsumerRecord<String, ModelVersion>> records() {
        SpecificAvroSerde<ModelVersion> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, ModelVersion> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), serde.deserializer())) {
            List<ConsumerRecord<String, ModelVersion>> records = new ArrayList<>();
            for (var info : consumer.partitionsFor(name)) {
                TopicPartition partition = new TopicPartition(name, info.partition());
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                long end = consumer.endOffsets(List.of(partition)).get(partition);
                while (consumer.position(partition) < end) {
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
            }
            return records;
        }
    }
}
