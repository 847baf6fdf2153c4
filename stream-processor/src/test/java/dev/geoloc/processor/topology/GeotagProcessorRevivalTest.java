package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
import dev.geoloc.processor.intake.IntakeLimits;
import dev.geoloc.processor.metrics.PipelineMetrics;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.processor.versions.ServingSet;
import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A task initialised again on its pending store: after a crash, or on the same processor object when Kafka Streams
 * revives it (after TaskCorruptedException, a partition revoked then regained). It answers what was pending as the
 * first reading would have, and hands its answers on when no further record comes to wake it.
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
        try (KafkaProducer<byte[], byte[]> producer = producer(stack)) {
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
        awaitForwarded(context, 1);
        assertThat(context.forwarded()).as("what the revived task emitted").hasSize(1);
        assertThat(context.forwarded().get(0).childName()).isEqualTo(Optional.of(GeotagTopology.PREDICTIONS_SINK));
        assertThat(context.forwarded().get(0).record().value()).isInstanceOfSatisfying(RegionPrediction.class,
                prediction -> assertThat(prediction.getImageId()).isEqualTo("revived-1"));
        assertThat(pending.approximateNumEntries()).as("nothing left pending").isZero();
        processor.close();
    }

    @Test
    void recordsPendingAtACrashAreDeadLettersAgainWhereTheFirstReadingMadeThemSo() throws Exception {
        // given, on a real input topic, a record whose key is over the limit and a tombstone, both pending in a task's
        // store when its processor was killed, the long key stored as its stand-in
        StreamingStack stack = LocalStreamingStack.shared();
        String topic = "requeue-events-" + System.nanoTime();
        stack.createTopics(new NewTopic(topic, 1, (short) 1));
        byte[] longKey = "k".repeat(5000).getBytes(StandardCharsets.US_ASCII);
        try (KafkaProducer<byte[], byte[]> producer = producer(stack)) {
            producer.send(new ProducerRecord<>(topic, 0, longKey, new byte[] {1})).get();
            producer.send(new ProducerRecord<>(topic, 0, "t".getBytes(), null)).get();
        }
        ImageEvent event = TopicProbe.event("requeued", TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED), false),
                null);
        DecodePool decodes = new DecodePool(2, Duration.ofSeconds(5));
        PipelineParts parts = HandDrivenTask.parts(event, decodes, models, batcher, new InFlightBudget(64L << 20));
        MockProcessorContext<byte[], Object> context = HandDrivenTask.context("requeue-test", stack.bootstrapServers());
        KeyValueStore<Long, PendingRecord> pending = HandDrivenTask.pending(context);
        long now = System.currentTimeMillis();
        pending.put(0L, new PendingRecord(topic, 0, 0, now, IntakeLimits.standInKey(longKey)));
        pending.put(1L, new PendingRecord(topic, 0, 1, now, "t".getBytes()));
        GeotagProcessor processor = new GeotagProcessor(parts);

        // when the task starts again on that store
        processor.init(context);

        // then each is the dead letter its first reading made it, in order, and nothing is left pending
        awaitForwarded(context, 2);
        assertThat(context.forwarded()).extracting(forwarded -> forwarded.childName().orElseThrow())
                .containsExactly(GeotagTopology.DEAD_LETTERS_SINK, GeotagTopology.DEAD_LETTERS_SINK);
        assertThat(context.forwarded()).extracting(forwarded -> ((DeadLetter) forwarded.record().value()).getErrorCode())
                .containsExactly(DeadLetterCode.OVERSIZED_KEY, DeadLetterCode.MALFORMED_RECORD);
        assertThat(pending.approximateNumEntries()).as("nothing left pending").isZero();
        processor.close();
        decodes.close();
    }

    @Test
    void aTaskClosedWhileItsImageWaitsForItsBatchLeavesTheImageToItsNextOwner() throws Exception {
        // given a task whose image waits in a batch for company (two seconds)
        SimpleMeterRegistry batches = new SimpleMeterRegistry();
        ImageEvent event = TopicProbe.event("closed-1", TestImages.jpeg(TestImages.bands(64, 48, TestImages.GREEN), false),
                null);
        try (DecodePool decodes = new DecodePool(2, Duration.ofSeconds(5));
             DynamicBatcher slow = new DynamicBatcher(new BatchPolicy(32, Duration.ofSeconds(2), 64), models::serving,
                     new PipelineMetrics(batches))) {
            PipelineParts parts = HandDrivenTask.parts(event, decodes, models, slow, new InFlightBudget(64L << 20));
            MockProcessorContext<byte[], Object> context = HandDrivenTask.context("close-test", "localhost:1");
            GeotagProcessor processor = new GeotagProcessor(parts);
            processor.init(context);
            context.setRecordMetadata("close-events", 0, 0);
            processor.process(new Record<>("k".getBytes(), new byte[] {1}, System.currentTimeMillis()));
            awaitBatcher(slow, false);

            // when the task closes (its partition goes to another instance)
            processor.close();

            // then the batch skips the image, which the next owner reads again from the pending store
            awaitBatcher(slow, true);
            assertThat(batches.get("geoloc.batch.size").summary().count()).as("batches run").isZero();
            assertThat(context.forwarded()).isEmpty();
        }
    }

    private static void awaitBatcher(DynamicBatcher batcher, boolean idle) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (batcher.idle() != idle && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(batcher.idle()).as("batcher idle").isEqualTo(idle);
    }

    private static KafkaProducer<byte[], byte[]> producer(StreamingStack stack) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Runs the task's live punctuators, as its stream thread would, until it has forwarded {@code count} records. */
    private static void awaitForwarded(MockProcessorContext<byte[], Object> context, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (context.forwarded().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
            context.scheduledPunctuators().stream().filter(punctuator -> !punctuator.cancelled())
                    .forEach(punctuator -> punctuator.getPunctuator().punctuate(System.currentTimeMillis()));
        }
    }
}
