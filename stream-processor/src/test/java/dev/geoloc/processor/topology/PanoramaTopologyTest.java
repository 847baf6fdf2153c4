package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.geoloc.contracts.Topics;
import dev.geoloc.contracts.versions.Canary;
import dev.geoloc.imaging.TestImages;
import dev.geoloc.model.ImageResult;
import dev.geoloc.model.RegionPredictor;
import dev.geoloc.panorama.PanoramaFusion;
import dev.geoloc.processor.panorama.PanoramaFuser;
import dev.geoloc.processor.versions.ModelHolder;
import dev.geoloc.processor.versions.ServedModel;
import dev.geoloc.processor.versions.ServingSet;
import dev.geoloc.schemas.CaptureGroup;
import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.schemas.PanoramaPrediction;
import dev.geoloc.schemas.PanoramaTrigger;
import dev.geoloc.schemas.PanoramaView;
import dev.geoloc.schemas.RegionPrediction;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Panorama fusion in a {@code TopologyTestDriver}: the real model, batcher and serde, the driver's clock for the
 * windows. Each test reads as steps: the views that come, when, and the answers the group gets.
 */
class PanoramaTopologyTest {

    private static final String REGISTRY = "mock://panorama-topology-test";
    private static final Duration WINDOW = DrivenTopology.PANORAMAS.window();
    private static final Duration GRACE = DrivenTopology.PANORAMAS.grace();
    private static final Color[] COLOURS = {TestImages.RED, TestImages.GREEN, TestImages.BLUE, Color.YELLOW};

    @TempDir
    static java.nio.file.Path dir;
    private static DrivenTopology.Model model;
    private static ModelHolder models;

    private SimpleMeterRegistry meters;
    private DrivenTopology topology;
    private TopologyTestDriver driver;
    private TestOutputTopic<byte[], SpecificRecord> predictions;
    private TestOutputTopic<byte[], SpecificRecord> deadLetters;
    private TestOutputTopic<byte[], SpecificRecord> panoramas;

    @BeforeAll
    static void loadTheModel() throws Exception {
        model = DrivenTopology.Model.untrained(dir, "panorama-test");
        models = model.models();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @BeforeEach
    void startTheDriver() {
        meters = new SimpleMeterRegistry();
        topology = new DrivenTopology(REGISTRY, model, DrivenTopology.PANORAMAS, meters);
        driver = topology.driver;
        predictions = topology.predictions;
        deadLetters = topology.deadLetters;
        panoramas = topology.panoramas;
    }

    @AfterEach
    void stopTheDriver() {
        topology.close();
    }

    @Test
    void aPanoramaWhoseViewsAllCameIsAnsweredOnceWithTheirFusedProbabilities() {
        // Given the four headings of one panorama, each a different photo
        List<byte[]> photos = new ArrayList<>();
        for (int heading = 0; heading < 4; heading++) {
            photos.add(photo(heading));
            send(view("pano-1", 4, heading, photos.get(heading)));
        }

        // When each is predicted
        assertThat(awaitAll(predictions, 4)).extracting(r -> ((RegionPrediction) r.value()).getImageId())
                .containsExactlyInAnyOrder("pano-1-h0", "pano-1-h90", "pano-1-h180", "pano-1-h270");

        // Then the group has one answer, at once, over all four views
        PanoramaPrediction answer = onlyAnswer("pano-1");
        assertThat(answer.getEmittedBecause()).isEqualTo(PanoramaTrigger.ALL_VIEWS);
        assertThat(answer.getRevision()).isEqualTo(1);
        assertThat(answer.getViewsExpected()).isEqualTo(4);
        assertThat(answer.getViews()).extracting(PanoramaView::getHeading).containsExactlyInAnyOrder(0, 90, 180, 270);
        // and its probabilities are the shared fusion of the model's own answers for the four photos
        RegionPredictor predictor = models.current().orElseThrow().predictor();
        float[] fused = PanoramaFusion.fuse(predictor.predictImages(photos).stream()
                .map(result -> ((ImageResult.Predicted) result).prediction().probabilities()).toList());
        int best = argmax(fused);
        assertThat(answer.getPredictedRegion().getRegionId()).isEqualTo(predictor.catalog().region(best).id());
        assertThat(answer.getPredictedRegion().getProbability()).isCloseTo(fused[best], within(1e-4));
        // and the ground truth the views carried gives its actual error
        assertThat(answer.getTrueRegionId()).isEqualTo("downtown_la");
        assertThat(answer.getActualErrorKm()).isNotNull();
    }

    @Test
    void aGroupWhoseWindowClosesIsAnsweredWithTheViewsInAndRevisedByALateOne() {
        // Given three of four views
        for (int heading = 0; heading < 3; heading++) {
            send(view("pano-2", 4, heading, photo(heading)));
        }
        awaitAll(predictions, 3);
        assertThat(panoramas.isEmpty()).as("no answer before the window closes").isTrue();

        // When its window closes
        driver.advanceWallClockTime(WINDOW.plusSeconds(1));

        // Then it is answered with the three
        PanoramaPrediction closed = onlyAnswer("pano-2");
        assertThat(closed.getEmittedBecause()).isEqualTo(PanoramaTrigger.WINDOW_CLOSED);
        assertThat(closed.getViews()).hasSize(3);

        // When the fourth comes within the grace period
        send(view("pano-2", 4, 3, photo(3)));
        awaitAll(predictions, 1);

        // Then a second revision fuses all four
        PanoramaPrediction revised = onlyAnswer("pano-2");
        assertThat(revised.getEmittedBecause()).isEqualTo(PanoramaTrigger.LATE_VIEW);
        assertThat(revised.getRevision()).isEqualTo(2);
        assertThat(revised.getViews()).hasSize(4);

        // When a fifth comes after the grace period
        driver.advanceWallClockTime(GRACE.plusSeconds(1));
        ImageEvent fifth = view("pano-2", 4, 0, photo(0));
        fifth.setImageId("pano-2-again");
        send(fifth);
        awaitAll(predictions, 1);

        // Then it is dropped, and counted: the group's answer stands
        assertThat(panoramas.isEmpty()).isTrue();
        assertThat(meters.counter("geoloc.panorama.views.dropped", "reason", "after-grace").count()).isEqualTo(1);
    }

    @Test
    void aViewThatBecameADeadLetterCountsAsArrivedAndIsNotFused() {
        // Given a two-view group whose second photo is not an image
        send(view("pano-3", 2, 0, photo(0)));
        send(view("pano-3", 2, 1, "<html><body>not a photo</body></html>".getBytes(StandardCharsets.UTF_8)));

        // When the one is predicted and the other dead-lettered
        awaitAll(predictions, 1);
        assertThat(((DeadLetter) awaitAll(deadLetters, 1).get(0).value()).getErrorCode())
                .isEqualTo(DeadLetterCode.NOT_AN_IMAGE);

        // Then the group is answered without waiting for its window, over the one view
        PanoramaPrediction answer = onlyAnswer("pano-3");
        assertThat(answer.getEmittedBecause()).isEqualTo(PanoramaTrigger.ALL_VIEWS);
        assertThat(answer.getViews()).extracting(PanoramaView::getImageId).containsExactly("pano-3-h0");
        assertThat(answer.getViewsExpected()).isEqualTo(2);
    }

    @Test
    void aPhotoRetriedInGraceThatIsNowPredictedAnswersTheGroupItCouldNotAnswer() {
        // Given a one-photo group whose photo failed: the group is complete, with nothing to fuse
        send(view("pano-7", 1, 0, "not a photo".getBytes(StandardCharsets.UTF_8)));
        awaitAll(deadLetters, 1);
        assertThat(panoramas.isEmpty()).isTrue();

        // When the uploader retries it, within the grace period, and it is predicted
        send(view("pano-7", 1, 0, photo(0)));
        awaitAll(predictions, 1);

        // Then the group is answered, from the retried photo
        PanoramaPrediction answer = onlyAnswer("pano-7");
        assertThat(answer.getEmittedBecause()).isEqualTo(PanoramaTrigger.LATE_VIEW);
        assertThat(answer.getRevision()).isEqualTo(1);
        assertThat(answer.getViews()).extracting(PanoramaView::getImageId).containsExactly("pano-7-h0");
    }

    @Test
    void aViewInGraceThatChangesNothingFusedDrawsNoNewRevision() {
        // Given a three-photo group answered with two when its window closed
        send(view("pano-8", 3, 0, photo(0)));
        send(view("pano-8", 3, 1, photo(1)));
        awaitAll(predictions, 2);
        driver.advanceWallClockTime(WINDOW.plusSeconds(1));
        assertThat(onlyAnswer("pano-8").getRevision()).isEqualTo(1);

        // When its third photo comes in grace and fails, and its first is sent again and answered alike
        send(view("pano-8", 3, 2, "not a photo".getBytes(StandardCharsets.UTF_8)));
        awaitAll(deadLetters, 1);
        send(view("pano-8", 3, 0, photo(0)));
        awaitAll(predictions, 1);

        // Then no revision repeats the answer
        assertThat(panoramas.isEmpty()).isTrue();
    }

    @Test
    void recordsOnTheViewsTopicThatThisProcessorDidNotWriteAreDroppedAndTheTaskGoesOn() throws Exception {
        TestInputTopic<String, byte[]> views = driver.createInputTopic(Topics.PANORAMA_VIEWS,
                Serdes.String().serializer(), Serdes.ByteArray().serializer());
        // Given a record whose first length says 2 GiB, and a well-formed view under another group's key
        views.pipeInput("pano-9", new byte[] {1, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        views.pipeInput("pano-9", failedView("someone-elses-group", 1, "planted"));

        // When a real group comes after them
        send(view("pano-9", 1, 0, photo(0)));
        awaitAll(predictions, 1);

        // Then both were dropped and counted, and the group is answered from its own photo alone
        assertThat(meters.counter("geoloc.panorama.views.dropped", "reason", "unreadable").count()).isEqualTo(2);
        assertThat(onlyAnswer("pano-9").getViews()).extracting(PanoramaView::getImageId).containsExactly("pano-9-h0");
    }

    @Test
    void aCheckMovesOnAtMostItsShareOfTheGroupsDueAndTheNextCheckTheRest() throws Exception {
        TestInputTopic<String, byte[]> views = driver.createInputTopic(Topics.PANORAMA_VIEWS,
                Serdes.String().serializer(), Serdes.ByteArray().serializer());
        // Given 1,500 groups of two photos, one in each, failed: due together when their windows close, as after an
        // outage
        int groups = 1500;
        for (int g = 0; g < groups; g++) {
            views.pipeInput("outage-" + g, failedView("outage-" + g, 2, "outage-" + g + "-h0"));
        }

        // When their windows close, then one check moves on 1,000 of them, and the next the rest
        driver.advanceWallClockTime(WINDOW.plusSeconds(1));
        assertThat(unanswered()).isEqualTo(PanoramaFuser.MAX_DUE_PER_CHECK);
        driver.advanceWallClockTime(DrivenTopology.PANORAMAS.checkInterval());
        assertThat(unanswered()).isEqualTo(groups);
    }

    private double unanswered() {
        return meters.counter("geoloc.panorama.unanswered", "reason", "no-view-predicted").count();
    }

    @Test
    void aPhotoSentTwiceIsOneView() {
        send(view("pano-4", 2, 0, photo(0)));
        send(view("pano-4", 2, 0, photo(0)));
        awaitAll(predictions, 2);
        assertThat(panoramas.isEmpty()).as("one view of two").isTrue();

        send(view("pano-4", 2, 1, photo(1)));
        awaitAll(predictions, 1);

        assertThat(onlyAnswer("pano-4").getViews()).hasSize(2);
    }

    @Test
    void aCaptureGroupOutsideTheLimitsIsADeadLetterThatNamesTheField() {
        send(view("pano-5", 17, 0, photo(0)));
        ImageEvent badHeading = view("pano-6", 4, 0, photo(0));
        badHeading.getCaptureGroup().setHeading(400);
        send(badHeading);

        List<TestRecord<byte[], SpecificRecord>> refused = awaitAll(deadLetters, 2);

        assertThat(refused).extracting(r -> ((DeadLetter) r.value()).getReason())
                .anySatisfy(reason -> assertThat(reason).contains("capture_group.size 17", "geoloc.panorama.max-views"))
                .anySatisfy(reason -> assertThat(reason).contains("capture_group.heading 400"));
        assertThat(predictions.isEmpty()).isTrue();
        driver.advanceWallClockTime(WINDOW.plusSeconds(1));
        assertThat(panoramas.isEmpty()).isTrue();
    }

    @Test
    void aCanaryTakesWholePanoramasSoThatEachIsFusedFromOneVersion() {
        // Given v1 stable and v2, the same weights, as a 50 % canary
        ServedModel stable = models.current().orElseThrow();
        models.swap(new ServingSet(stable, Optional.of(new ServingSet.ServedCanary(
                new ServedModel("panorama-test", 2, stable.predictor()), new Canary(null, 50))), Optional.empty()));
        try {
            // When 12 panoramas of 4 views come
            for (int group = 0; group < 12; group++) {
                for (int heading = 0; heading < 4; heading++) {
                    send(view("routed-" + group, 4, heading, photo(heading)));
                }
            }

            // Then the views of each panorama were all answered by one version, and both versions answered some
            Map<String, List<Integer>> versions = awaitAll(predictions, 48).stream()
                    .map(r -> (RegionPrediction) r.value())
                    .collect(Collectors.groupingBy(p -> p.getImageId().substring(0, p.getImageId().indexOf("-h")),
                            Collectors.mapping(RegionPrediction::getModelVersion, Collectors.toList())));
            assertThat(versions).hasSize(12).allSatisfy((group, answered) -> assertThat(answered).hasSize(4)
                    .containsOnly(answered.get(0)));
            assertThat(versions.values()).extracting(answered -> answered.get(0)).contains(1, 2);
            // and each panorama was answered once, from the views of its one version
            List<PanoramaPrediction> answers = panoramas.readRecordsToList().stream()
                    .map(r -> (PanoramaPrediction) r.value()).toList();
            assertThat(answers).hasSize(12).allSatisfy(answer -> assertThat(answer.getViews())
                    .extracting(PanoramaView::getModelVersion).containsOnly(answer.getViews().get(0).getModelVersion()));
        } finally {
            models.swap(ServingSet.of(stable));
        }
    }

    private PanoramaPrediction onlyAnswer(String groupId) {
        List<TestRecord<byte[], SpecificRecord>> answers = panoramas.readRecordsToList();
        assertThat(answers).as("answers for " + groupId).hasSize(1);
        assertThat(new String(answers.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(groupId);
        return (PanoramaPrediction) answers.get(0).value();
    }

    private void send(ImageEvent event) {
        topology.events.pipeInput(event.getImageId().getBytes(StandardCharsets.UTF_8), topology.serialize(event));
    }

    private List<TestRecord<byte[], SpecificRecord>> awaitAll(TestOutputTopic<byte[], SpecificRecord> topic, int count) {
        return topology.awaitAll(topic, count);
    }

    /** The view at {@code index} x 90 degrees of a group, taken in Downtown Los Angeles. */
    private static ImageEvent view(String groupId, int size, int index, byte[] image) {
        int heading = index * 90;
        return ImageEvent.newBuilder().setImageId(groupId + "-h" + heading)
                .setContent(new InlineImage(ByteBuffer.wrap(image))).setUploadTime(Instant.now())
                .setSourcePlatform("panorama-test").setGroundTruth(new GeoPoint(34.0453, -118.2517))
                .setCaptureGroup(new CaptureGroup(groupId, size, heading)).build();
    }

    /**
     * A view in the topic's format, of a photo that failed, as anyone who may write the topic could make it: the
     * geotag step writes the same for a dead-lettered photo.
     */
    private static byte[] failedView(String groupId, int expectedViews, String imageId) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeByte(1);
            for (Object field : new Object[] {groupId, expectedViews, imageId, -1, "", 0, "", 0}) {
                if (field instanceof String text) {
                    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(utf8.length);
                    out.write(utf8);
                } else {
                    out.writeInt((Integer) field);
                }
            }
            out.writeBoolean(false);
        }
        return bytes.toByteArray();
    }

    private static byte[] photo(int index) {
        return TestImages.jpeg(TestImages.bands(64, 48, COLOURS[index % COLOURS.length],
                COLOURS[(index + 1) % COLOURS.length]), false);
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int j = 1; j < values.length; j++) {
            if (values[j] > values[best]) {
                best = j;
            }
        }
        return best;
    }
}
