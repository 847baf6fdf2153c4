package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.processor.batching.BatchPolicy;
import dev.geoloc.processor.batching.DynamicBatcher;
import dev.geoloc.processor.batching.InFlightBudget;
import dev.geoloc.processor.intake.DecodePool;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.processor.versions.ServingSet;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A task that Kafka Streams closes and initialises again on the same processor object (a revival after
 * TaskCorruptedException, a partition revoked then regained) still hands its predictions on when no further record
 * comes to wake it: its punctuator is scheduled again.
 */
class GeotagProcessorRevivalTest {

    @TempDir
    static Path dir;
    private static ModelHolder models;
    private static DynamicBatcher batcher;

    @BeforeAll
    static void aModelAndABatcher() throws Exception {
        models = UntrainedModel.served(dir, "revival-test");
        // Batches wait up to a second for company: long enough that a close right after an event finds it in flight.
        batcher = new DynamicBatcher(new BatchPolicy(32, Duration.ofSeconds(1), 64), models::serving,
                new PipelineMetrics(new SimpleMeterRegistry()));
    }

    @AfterAll
    static void close() {
        batcher.close();
        models.current().ifPresent(model -> model.predictor().close());
    }

    @Test
    void aProcessorInitialisedAgainAfterCloseStillEmitsWithoutAnotherRecord() throws Exception {
        // given an event on a real input topic, which a revived task reads again from its pending store's offsets
        StreamingStack stack = LocalStreamingStack.shared();
        String topic = "revival-events";
        stack.createTopics(new NewTopic(topic, 1, (short) 1));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, "k".getBytes(), new byte[] {1})).get();
        }
        ImageEvent event = TopicProbe.event("revived-1", TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED,
                TestImages.BLUE), false), null);
        DecodePool decodes = new DecodePool(2, Duration.ofSeconds(5));
        PipelineParts parts = HandDrivenTask.parts(event, decodes, models, batcher, new InFlightBudget(64L << 20));
        MockProcessorContext<byte[], Object> context = HandDrivenTask.context("revival-test", stack.bootstrapServers());
        KeyValueStore<Long, PendingRecord> pending = HandDrivenTask.pending(context);
        GeotagProcessor processor = new GeotagProcessor(parts);

        // when the task takes the event, is closed while its batch waits, and is initialised again
        processor.init(context);
        context.setRecordMetadata(topic, 0, 0);
        processor.process(new Record<>("k".getBytes(), new byte[] {1}, System.currentTimeMillis()));
        processor.close();
        processor.init(context);

        // then, with no further record, a live punctuator hands the prediction on once the batch has run
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (context.forwarded().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            context.scheduledPunctuators().stream().filter(punctuator -> !punctuator.cancelled())
                    .forEach(punctuator -> punctuator.getPunctuator().punctuate(System.currentTimeMillis()));
        }
        assertThat(context.forwarded()).as("what the revived task emitted").hasSize(1);
        assertThat(context.forwarded().get(0).childName()).isEqualTo(Optional.of(GeotagTopology.PREDICTIONS_SINK));
        assertThat(context.forwarded().get(0).record().value()).isInstanceOfSatisfying(RegionPrediction.class,
                prediction -> assertThat(prediction.getImageId()).isEqualTo("revived-1"));
        assertThat(pending.approximateNumEntries()).as("nothing left pending").isZero();
        processor.close();
    }
}
