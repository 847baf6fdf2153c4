package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

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

/**
 * Two tasks of one stream thread share the in-flight budget. Task A's answers hold all of it; they are handed on by
 * A's punctuator, which cannot run while task B's record waits for room on the same thread. B must take its record
 * anyway once everything in flight is answered, or the thread waits for ever (as a CI run of InFlightBytesTest did,
 * until the transaction timed out and the group expelled the thread).
 */
class SharedBudgetTest {

    @TempDir
    static Path dir;
    private static ModelHolder models;
    private static DynamicBatcher batcher;
    private static DecodePool decodes;

    @BeforeAll
    static void aModelABatcherAndDecoders() throws Exception {
        models = UntrainedModel.served(dir, "budget-test");
        batcher = new DynamicBatcher(new BatchPolicy(32, Duration.ofMillis(5), 64), models::serving,
                new PipelineMetrics(new SimpleMeterRegistry()));
        decodes = new DecodePool(2, Duration.ofSeconds(5));
    }

    @AfterAll
    static void close() {
        decodes.close();
        batcher.close();
        models.current().ifPresent(model -> model.predictor().close());
    }

    @Test
    void aTaskWithNothingInFlightTakesItsRecordWhenOnlyAnotherTasksAnswersHoldTheBudget() throws Exception {
        // Given a budget that holds one image, and task A's image taken and answered but not yet handed on
        ImageEvent event = TopicProbe.event("budget-a", TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED,
                TestImages.BLUE), false), null);
        byte[] value = new byte[] {1};
        InFlightBudget budget = new InFlightBudget(new InFlightBudget(1 << 20).costOf(value));
        PipelineParts parts = HandDrivenTask.parts(event, decodes, models, batcher, budget);
        MockProcessorContext<byte[], Object> contextA = HandDrivenTask.context("budget-test-a", "localhost:9");
        MockProcessorContext<byte[], Object> contextB = HandDrivenTask.context("budget-test-b", "localhost:9");
        GeotagProcessor taskA = new GeotagProcessor(parts);
        GeotagProcessor taskB = new GeotagProcessor(parts);
        taskA.init(contextA);
        taskB.init(contextB);
        contextA.setRecordMetadata("events", 0, 0);
        taskA.process(new Record<>("a".getBytes(), value, System.currentTimeMillis()));
        long answeredBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(decodes.idle() && batcher.idle()) && System.nanoTime() < answeredBy) {
            Thread.sleep(5);
        }
        assertThat(budget.used()).as("the budget is spent").isEqualTo(budget.capacity());
        assertThat(contextA.forwarded()).as("A's answer waits for its punctuator").isEmpty();

        // When task B's record comes on the same thread, before A's punctuator runs
        contextB.setRecordMetadata("events", 1, 0);
        CompletableFuture<Void> processed = CompletableFuture.runAsync(
                () -> taskB.process(new Record<>("b".getBytes(), value, System.currentTimeMillis())));

        // Then B takes it beyond the budget instead of waiting for ever
        processed.get(10, TimeUnit.SECONDS);
        // and once the punctuators run, both answers are handed on and the budget is whole again
        long emittedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((contextA.forwarded().isEmpty() || contextB.forwarded().isEmpty()) && System.nanoTime() < emittedBy) {
            Thread.sleep(5);
            for (MockProcessorContext<byte[], Object> context : java.util.List.of(contextA, contextB)) {
                context.scheduledPunctuators().stream().filter(punctuator -> !punctuator.cancelled())
                        .forEach(punctuator -> punctuator.getPunctuator().punctuate(System.currentTimeMillis()));
            }
        }
        assertThat(contextA.forwarded()).hasSize(1);
        assertThat(contextB.forwarded()).hasSize(1);
        assertThat(budget.used()).isZero();
        taskA.close();
        taskB.close();
    }
}
