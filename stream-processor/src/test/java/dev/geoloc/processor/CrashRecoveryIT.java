package dev.geoloc.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * Exactly once, for real: the packaged processor runs as its own process, is SIGKILLed halfway through a stream
 * of events, and restarted. A read_committed consumer then finds, for every image id, exactly one prediction or
 * exactly one dead letter.
 */
class CrashRecoveryIT {

    private static final int EVENTS = 1200;
    private static final String TRACE_HEADER = "test-trace";
    private static final String APPLICATION_ID = "geoloc-stream-processor";

    @Test
    void aProcessorKilledMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        // Given N events on the input topic, one in fifty of them broken
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Path work = Files.createDirectories(Path.of("target", "crash-test").toAbsolutePath());
        // Fresh each run: a state directory from an earlier run's broker holds pending images of topics gone since.
        Path state = work.resolve("state-" + System.nanoTime());
        // Static membership, as deployments run it: the restarted process takes the killed one's partitions back
        // under the same instance id, without waiting for its session to expire. The short session only keeps the
        // last process's member from holding up a later test's processor in the same group once this one stops.
        Map<String, String> settings = Map.of("geoloc.batching.max-size", "4",
                "kafka-streams.processing.guarantee", "exactly_once_v2", "kafka-streams.session.timeout.ms", "6000",
                "quarkus.kafka-streams.application-id", APPLICATION_ID);
        Map<String, String> environment = Map.of("GEOLOC_INSTANCE_ID", "crash-test-0");
        List<String> ids = TopicProbe.ids("crash", EVENTS);
        try (TopicProbe probe = new TopicProbe()) {
            for (int i = 0; i < EVENTS; i++) {
                // Each with a header of its own, which its answer must carry even when it was read again
                RecordHeaders headers = new RecordHeaders();
                headers.add(TRACE_HEADER, ids.get(i).getBytes(StandardCharsets.UTF_8));
                if (i % 50 == 49) {
                    probe.sendBytes(ids.get(i), new byte[] {1, 2, 3, (byte) i}, headers);
                } else {
                    byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, new java.awt.Color(i % 256, 80, 160),
                            TestImages.GREEN), false);
                    probe.sendBytes(ids.get(i), probe.serialize(TopicProbe.event(ids.get(i), photo, null)), headers);
                }
            }

            // When the processor is killed with SIGKILL once part of the stream is answered, at a moment when its
            // last committed transaction left images pending (answered to the next one), then started again
            ProcessorProcess first = ProcessorProcess.start(stack, StreamingStackResource.testBundle(), state,
                    work.resolve("first.log"), settings, environment);
            try (CommittedPendingStore store = new CommittedPendingStore(stack, APPLICATION_ID)) {
                first.awaitOrFail(() -> probe.outputCount() >= EVENTS / 8 && store.images() > 0, 120,
                        "the first processor's output, with images pending in its committed store", () -> "");
                first.kill();
            }
            int answeredBeforeKill = probe.outputCount();
            assertThat(answeredBeforeKill).as("the kill came before the end of the stream").isLessThan(EVENTS);

            try (ProcessorProcess second = ProcessorProcess.start(stack, StreamingStackResource.testBundle(), state,
                    work.resolve("second.log"), settings, environment)) {
                second.awaitOrFail(() -> ids.stream().allMatch(id -> probe.outputsFor(id) > 0), 180,
                        "every id answered",
                        () -> "unanswered: " + ids.stream().filter(id -> probe.outputsFor(id) == 0).toList());
                Thread.sleep(2000); // anything doubled would be committed by now
            }

            // Then the restarted processor found images pending in its store (the path under test), and
            assertThat(Files.readString(work.resolve("second.log"))).contains("read again and queued");
            // each id has exactly one committed answer, a prediction or a dead letter for the broken ones, with
            // its event's headers
            for (int i = 0; i < EVENTS; i++) {
                String id = ids.get(i);
                if (i % 50 == 49) {
                    assertThat(probe.deadLetters(id)).as(id).hasSize(1);
                    assertThat(probe.predictions(id)).as(id).isEmpty();
                    assertThat(probe.deadLetters(id).get(0).header(TRACE_HEADER)).as(id).isEqualTo(id);
                } else {
                    assertThat(probe.predictions(id)).as(id).hasSize(1);
                    assertThat(probe.deadLetters(id)).as(id).isEmpty();
                    assertThat(probe.predictions(id).get(0).header(TRACE_HEADER)).as(id).isEqualTo(id);
                }
            }
            assertThat(probe.outputCount()).isEqualTo(EVENTS);
        }
    }
}
