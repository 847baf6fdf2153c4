package dev.geoloc.processor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.GeoPoint;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.ImageUri;
import dev.geoloc.schemas.InlineImage;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RegionScore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** How a request becomes the event the stream would carry, and a prediction becomes its JSON answer. */
class GeotagRequestsTest {

    @Test
    void anImageAsTheBodyIsAnInlineImageWithTheQuerysIdAndPlatform() {
        ImageEvent event = GeotagRequests.of("image/jpeg", Buffer.buffer(new byte[] {1, 2, 3}),
                Map.of("image_id", "upload-7", "source_platform", "web"));

        assertThat(event.getImageId()).isEqualTo("upload-7");
        assertThat(event.getSourcePlatform()).isEqualTo("web");
        assertThat(((InlineImage) event.getContent()).getData().remaining()).isEqualTo(3);
        assertThat(event.getUploadTime()).isBetween(Instant.now().minusSeconds(5), Instant.now());
    }

    @Test
    void withoutIdOrPlatformTheRequestGetsItsOwn() {
        ImageEvent event = GeotagRequests.of(null, Buffer.buffer(new byte[] {1}), Map.of());

        assertThat(event.getImageId()).startsWith("api-").hasSize(4 + 36);
        assertThat(event.getSourcePlatform()).isEqualTo(GeotagRequests.DEFAULT_PLATFORM);
    }

    @Test
    void jsonNamesTheImageByUriWithItsMetadata() {
        ImageEvent event = GeotagRequests.of("application/json; charset=utf-8", Buffer.buffer(
                "{\"uri\": \"https://img.example.com/1.jpg\", \"image_id\": \"u1\", \"metadata\": {\"album\": \"a9\"}}"),
                Map.of("image_id", "ignored"));

        assertThat(((ImageUri) event.getContent()).getUri()).isEqualTo("https://img.example.com/1.jpg");
        assertThat(event.getImageId()).isEqualTo("u1");
        assertThat(event.getMetadata()).containsExactly(Map.entry("album", "a9"));
    }

    @Test
    void malformedJsonIsRefusedWithTheCodeTheStreamWouldGive() {
        assertCode("{\"uri\": ", DeadLetterCode.MALFORMED_RECORD);
        assertCode("{\"uri\": 7}", DeadLetterCode.MISSING_FIELD);
        assertCode("{\"uri\": \"https://a/b.jpg\", \"image_id\": 7}", DeadLetterCode.MALFORMED_RECORD);
        assertCode("{\"uri\": \"https://a/b.jpg\", \"metadata\": [1]}", DeadLetterCode.MALFORMED_RECORD);
    }

    private static void assertCode(String json, DeadLetterCode code) {
        assertThatThrownBy(() -> GeotagRequests.of("application/json", Buffer.buffer(json), Map.of()))
                .isInstanceOfSatisfying(ApiRefusal.RefusedException.class, e -> {
                    assertThat(e.refusal().code()).isEqualTo(code.name());
                    assertThat(e.refusal().status()).isEqualTo(400);
                });
    }

    @Test
    void everyDeadLetterCodeButUnknownIsTheCallersFault() {
        for (DeadLetterCode code : DeadLetterCode.values()) {
            int status = ApiRefusal.statusOf(code);
            assertThat(status).as(code.name()).isBetween(code == DeadLetterCode.UNKNOWN ? 500 : 400,
                    code == DeadLetterCode.UNKNOWN ? 500 : 499);
        }
    }

    @Test
    void aPredictionIsItsRecordsFieldsAsPlainJson() {
        RegionScore top = new RegionScore("downtown_la", "Downtown Los Angeles", 0.75);
        RegionPrediction prediction = RegionPrediction.newBuilder().setImageId("u1").setModelName("la")
                .setModelVersion(3).setTopRegions(List.of(top)).setPredictedRegion(top)
                .setEstimatedLocation(new GeoPoint(34.05, -118.25)).setExpectedErrorKm(2.5).setConfidenceRadiusKm(6)
                .setConfidenceLevel(0.9).setBatchSize(8).setQueueLatencyMs(3).setInferenceLatencyMs(4)
                .setEndToEndLatencyMs(9).setProcessedTime(Instant.parse("2026-12-05T10:00:00.123Z"))
                .setSourcePlatform("web").setMetadata(Map.of("album", "a9")).build();

        JsonObject json = RecordJson.of(prediction);

        assertThat(json.getString("image_id")).isEqualTo("u1");
        assertThat(json.getJsonObject("predicted_region").getString("region_id")).isEqualTo("downtown_la");
        assertThat(json.getJsonArray("top_regions").getJsonObject(0).getDouble("probability")).isEqualTo(0.75);
        assertThat(json.getJsonObject("estimated_location").getDouble("latitude")).isEqualTo(34.05);
        assertThat(json.getString("processed_time")).isEqualTo("2026-12-05T10:00:00.123Z");
        assertThat(json.getValue("actual_error_km")).isNull();
        assertThat(json.containsKey("actual_error_km")).as("absent values are there, as null").isTrue();
        assertThat(json.getJsonObject("metadata").getString("album")).isEqualTo("a9");
        assertThat(json.fieldNames()).containsAll(RegionPrediction.getClassSchema().getFields().stream()
                .map(org.apache.avro.Schema.Field::name).toList());
    }
}
