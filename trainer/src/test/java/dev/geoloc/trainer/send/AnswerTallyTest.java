package dev.geoloc.trainer.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RegionScore;

class AnswerTallyTest {

    private final AnswerTally tally = new AnswerTally();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void countsEachPhotosFirstAnswerPerVersionAndIgnoresOtherTraffic() {
        // Given three photos sent
        tally.sent("a", "r1");
        tally.sent("b", "r2");
        tally.sent("c", "r3");

        // When two are predicted, one of them right, one dead-lettered, and another sender's photo answered too
        tally.prediction(prediction("a", 4, "r1", 0.0));
        tally.prediction(prediction("b", 4, "r9", 3.0));
        tally.deadLetter("c", letter());
        tally.prediction(prediction("someone-else", 4, "r1", 0.0));

        // Then every photo has its one answer, and v4's figures count its two predictions only
        assertThat(report()).isZero();
        assertThat(out.toString().replaceAll(" +", " ")).contains(
                "answered 3 of 3", "2 predictions, 1 dead letters {MALFORMED_RECORD=1}",
                "v4 2 predictions, accuracy 50.0 %, mean error 1.50 km, mean expected error 2.00 km");
    }

    @Test
    void aPhotoAnsweredTwiceFailsTheRun() {
        tally.sent("a", "r1");
        tally.prediction(prediction("a", 1, "r1", 0.0));
        tally.prediction(prediction("a", 2, "r1", 0.0));

        assertThat(report()).isEqualTo(1);
        assertThat(err.toString()).contains("send: 1 photos were answered more than once");
        assertThat(out.toString()).contains("v1 ").doesNotContain("v2 ");
    }

    @Test
    void aPhotoWithoutAnswerFailsTheRun() {
        tally.sent("a", "r1");
        tally.sent("b", "r1");
        tally.prediction(prediction("a", 1, "r1", 0.0));

        assertThat(report()).isEqualTo(1);
        assertThat(err.toString()).contains("send: 1 photos got no answer");
    }

    private int report() {
        return tally.report(new PrintWriter(out, true), new PrintWriter(err, true), 1.0);
    }

    private static RegionPrediction prediction(String image, int version, String region, double errorKm) {
        RegionScore predicted = new RegionScore(region, "Region " + region, 0.6);
        return RegionPrediction.newBuilder()
                .setImageId(image).setModelName("la-street").setModelVersion(version)
                .setTopRegions(List.of(predicted)).setPredictedRegion(predicted)
                .setEstimatedLocation(new GeoPoint(34.05, -118.25)).setExpectedErrorKm(2.0)
                .setConfidenceRadiusKm(5.0).setConfidenceLevel(0.9).setBatchSize(8)
                .setQueueLatencyMs(1.0).setInferenceLatencyMs(10.0).setEndToEndLatencyMs(12.0)
                .setProcessedTime(Instant.now()).setActualErrorKm(errorKm)
                .build();
    }

    private static DeadLetter letter() {
        return DeadLetter.newBuilder().setSourceTopic("image-events").setSourcePartition(0).setSourceOffset(1)
                .setErrorCode(DeadLetterCode.MALFORMED_RECORD).setReason("test").setFailedTime(Instant.now()).build();
    }
}
