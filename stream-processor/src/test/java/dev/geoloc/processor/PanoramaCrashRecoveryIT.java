package dev.geoloc.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.schemas.CaptureGroup;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.PanoramaPrediction;
import dev.geoloc.schemas.PanoramaTrigger;
import dev.geoloc.schemas.PanoramaView;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * Panorama fusion survives a crash, for real: the packaged processor is SIGKILLed while most capture groups are
 * half in its fusing store, and restarted. A read_committed consumer then finds one answer per group, fused from
 * all of its views, and one prediction per photo.
 */
class PanoramaCrashRecoveryIT {

    private static final int GROUPS = 150;
    private static final int HEADINGS = 4;

    @Test
    void aProcessorKilledWhileGroupsAreOpenAnswersEachGroupOnceFromAllItsViews() throws Exception {
        // Given panoramas whose views are sent heading by heading, so that every group stays open until the last
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Path work = Files.createDirectories(Path.of("target", "panorama-crash-test").toAbsolutePath());
        Path state = work.resolve("state-" + System.nanoTime());
        // A window far longer than the test: every answer here must come from all four views, before and after
        // the kill, never from a window that closed while the processor was down.
        Map<String, String> settings = Map.of("geoloc.batching.max-size", "4", "geoloc.panorama.window", "10m",
                "kafka-streams.processing.guarantee", "exactly_once_v2", "kafka-streams.session.timeout.ms", "6000");
        Map<String, String> environment = Map.of("GEOLOC_INSTANCE_ID", "panorama-crash-test-0");
        String run = "pano-" + System.nanoTime();
        List<String> groups = TopicProbe.ids(run, GROUPS);
        List<String> images = new ArrayList<>();
        try (TopicProbe probe = new TopicProbe()) {
            for (int heading = 0; heading < 360; heading += 360 / HEADINGS) {
                for (int g = 0; g < GROUPS; g++) {
                    String image = groups.get(g) + "-h" + heading;
                    images.add(image);
                    probe.sendAsync(view(image, groups.get(g), heading, g));
                }
            }

            // When the processor is killed with SIGKILL once about half the photos are answered, then started again
            ProcessorProcess first = ProcessorProcess.start(stack, StreamingStackResource.testBundle(), state,
                    work.resolve("first.log"), settings, environment);
            first.awaitOrFail(() -> probe.outputCount() >= images.size() / 2, 180, "half the photos answered", () -> "");
            first.kill();
            assertThat(probe.panoramaCount()).as("groups answered before the kill").isLessThan(GROUPS);

            try (ProcessorProcess second = ProcessorProcess.start(stack, StreamingStackResource.testBundle(), state,
                    work.resolve("second.log"), settings, environment)) {
                second.awaitOrFail(() -> groups.stream().allMatch(id -> !probe.panoramaPredictions(id).isEmpty()), 240,
                        "every group answered", () -> "unanswered: "
                                + groups.stream().filter(id -> probe.panoramaPredictions(id).isEmpty()).count());
                Thread.sleep(2000); // anything doubled would be committed by now
            }

            // Then each photo has exactly one prediction
            for (String image : images) {
                assertThat(probe.predictions(image)).as(image).hasSize(1);
            }
            // and each group exactly one answer, fused from all its views, with its truth
            for (String group : groups) {
                List<TopicProbe.Output<PanoramaPrediction>> answers = probe.panoramaPredictions(group);
                assertThat(answers).as(group).hasSize(1);
                PanoramaPrediction answer = answers.get(0).value();
                assertThat(answer.getEmittedBecause()).as(group).isEqualTo(PanoramaTrigger.ALL_VIEWS);
                assertThat(answer.getRevision()).isEqualTo(1);
                assertThat(answer.getViews()).extracting(PanoramaView::getImageId).as(group)
                        .containsExactlyInAnyOrder(group + "-h0", group + "-h90", group + "-h180", group + "-h270");
                assertThat(answer.getActualErrorKm()).isNotNull();
            }
        }
    }

    private static ImageEvent view(String image, String group, int heading, int index) {
        byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, new Color((index * 37 + heading) % 256, 80, 160),
                TestImages.GREEN), false);
        ImageEvent event = TopicProbe.event(image, photo, new GeoPoint(34.0453, -118.2517));
        event.setCaptureGroup(new CaptureGroup(group, HEADINGS, heading));
        return event;
    }
}
