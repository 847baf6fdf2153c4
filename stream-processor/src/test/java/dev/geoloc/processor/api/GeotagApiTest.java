package dev.geoloc.processor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.ManagementPort;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.schemas.RegionPrediction;
import dev.geoloc.schemas.RegionScore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The synchronous geotag API on the real processor, beside its stream on the real broker and registry: what a
 * platform geotagging an upload while its user waits sees.
 */
@QuarkusTest
@QuarkusTestResource(StreamingStackResource.class)
class GeotagApiTest {

    private static final int PHOTOS = 8;

    @TestHTTPResource(GeotagRoutes.PATH)
    URL endpoint;

    private static byte[] photo(int i) {
        return TestImages.jpeg(TestImages.bands(96, 72, new Color(30 * i % 256, 200 - 20 * i, 60), TestImages.BLUE,
                new Color(250, 250 - 25 * i, 10 * i)), false);
    }

    @Test
    void thirtyTwoClientsBesideARunningStreamAreAllAnsweredAsTheStreamAnswersTheSameImages() throws Exception {
        GeotagClient api = new GeotagClient(endpoint);
        List<byte[]> photos = IntStream.range(0, PHOTOS).mapToObj(GeotagApiTest::photo).toList();
        try (TopicProbe probe = new TopicProbe()) {
            // given a stream of the same photos, 25 events each, flowing
            List<String> streamed = TopicProbe.ids("api-stream", 25 * PHOTOS);
            for (int i = 0; i < streamed.size(); i++) {
                probe.sendAsync(TopicProbe.event(streamed.get(i), photos.get(i % PHOTOS), null));
            }

            // when 32 clients geotag 4 photos each meanwhile, each request as the last one is answered
            ExecutorService clients = Executors.newFixedThreadPool(32);
            List<Future<GeotagClient.Answer>> requests = new ArrayList<>();
            for (int client = 0; client < 32; client++) {
                for (int k = 0; k < 4; k++) {
                    int i = client * 4 + k;
                    requests.add(clients.submit(() -> api.image(photos.get(i % PHOTOS), "image_id=api-" + i
                            + "&source_platform=web")));
                }
            }
            List<GeotagClient.Answer> answers = new ArrayList<>();
            for (Future<GeotagClient.Answer> request : requests) {
                answers.add(request.get());
            }
            clients.shutdown();

            // then every request is answered with a prediction, equal to the stream's for the same photo
            Map<Integer, RegionPrediction> byPhoto = new HashMap<>();
            List<TopicProbe.Output<RegionPrediction>> streamAnswers = probe.awaitPredictions(streamed);
            for (int i = 0; i < streamAnswers.size(); i++) {
                byPhoto.putIfAbsent(streamed.indexOf(streamAnswers.get(i).key()) % PHOTOS, streamAnswers.get(i).value());
            }
            for (int i = 0; i < answers.size(); i++) {
                GeotagClient.Answer answer = answers.get(i);
                assertThat(answer.status()).as("request %d: %s", i, answer.body()).isEqualTo(200);
                assertThat(answer.body().at("/image_id").asText()).isEqualTo("api-" + i);
                assertThat(answer.body().at("/source_platform").asText()).isEqualTo("web");
                assertSameAnswer(answer.body(), byPhoto.get(i % PHOTOS));
            }
            // and the API's images went through the shared batcher, several to a batch
            assertThat(answers.stream().mapToInt(a -> a.body().at("/batch_size").asInt()).max().orElseThrow())
                    .isGreaterThan(1);
            assertThat(apiRequestsCounted("200", "OK")).isGreaterThanOrEqualTo(128);
        }
    }

    /**
     * The same probabilities (to the float noise of another batch size), so the same region, unless the top two
     * are so close that this noise decides between them.
     */
    private static void assertSameAnswer(JsonNode api, RegionPrediction stream) {
        double[] apiProbabilities = new double[api.at("/top_regions").size()];
        for (int i = 0; i < apiProbabilities.length; i++) {
            apiProbabilities[i] = api.at("/top_regions/" + i + "/probability").asDouble();
        }
        double[] streamProbabilities = stream.getTopRegions().stream().mapToDouble(RegionScore::getProbability).toArray();
        assertThat(apiProbabilities).containsExactly(streamProbabilities, within(1e-4));
        if (streamProbabilities[0] - streamProbabilities[1] > 1e-3) {
            assertThat(api.at("/predicted_region/region_id").asText())
                    .isEqualTo(stream.getPredictedRegion().getRegionId());
        }
        assertThat(api.at("/expected_error_km").asDouble()).isCloseTo(stream.getExpectedErrorKm(), within(0.05));
        assertThat(api.at("/model_name").asText()).isEqualTo(stream.getModelName());
        assertThat(api.at("/model_version").asInt()).isEqualTo(stream.getModelVersion());
    }

    @Test
    void everyClassOfBadInputIsRefusedWithItsStatusAndDeadLetterCode() throws Exception {
        GeotagClient api = new GeotagClient(endpoint);
        byte[] jpeg = photo(1);
        byte[] heic = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1', 'h', 'e',
                'i', 'c', 0, 0, 0, 8, 'm', 'e', 't', 'a'};
        byte[] overImageLimit = Arrays.copyOf(jpeg, StreamingStackResource.MAX_IMAGE_BYTES + 1);

        assertRefused(api.image(new byte[0], ""), 400, "EMPTY_IMAGE");
        assertRefused(api.image(Arrays.copyOf(jpeg, jpeg.length / 2), ""), 422, "TRUNCATED_IMAGE");
        assertRefused(api.image("<html>not a photo</html>".getBytes(StandardCharsets.UTF_8), ""), 422, "NOT_AN_IMAGE");
        assertRefused(api.image(heic, ""), 415, "UNSUPPORTED_FORMAT");
        assertRefused(api.image(TestImages.png(100_000, 100_000, 8, 2, new byte[64]), ""), 413, "IMAGE_TOO_LARGE");
        assertRefused(api.image(overImageLimit, ""), 413, "PAYLOAD_TOO_LARGE");
        assertRefused(api.image(new byte[10 * 1024 * 1024 + 1], ""), 413, "PAYLOAD_TOO_LARGE");
        assertRefused(api.json("[1, 2]"), 400, "MALFORMED_RECORD");
        assertRefused(api.json("{\"uri\": \"https://images.example.com/a.jpg\", \"metadata\": {\"n\": 1}}"), 400,
                "MALFORMED_RECORD");
        assertRefused(api.json("{\"image_id\": \"a\"}"), 400, "MISSING_FIELD");
        assertRefused(api.json("{\"uri\": \"https://images.example.com/a.jpg\", \"image_id\": \"" + "x".repeat(2000)
                + "\"}"), 413, "OVERSIZED_FIELD");
        GeotagClient.Answer byUri = api.json("{\"uri\": \"https://images.example.com/a.jpg\"}");
        assertRefused(byUri, 422, "URI_NOT_ALLOWED");
        assertThat(byUri.body().at("/reason").asText()).contains("geoloc.uri.enabled");
        assertThat(apiRequestsCounted("422", "URI_NOT_ALLOWED")).isGreaterThanOrEqualTo(1);
    }

    private static void assertRefused(GeotagClient.Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(status);
        assertThat(answer.body().at("/code").asText()).as(answer.body().toString()).isEqualTo(code);
        assertThat(answer.body().at("/reason").asText()).isNotBlank();
    }

    @Test
    void theContractIsServedAsOpenApi() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ManagementPort.url("/q/openapi").toString())).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("/v1/geotag:").contains("RegionPrediction:").contains("Retry-After");
    }

    /** geoloc_api_requests_seconds_count for one status and code, from /q/metrics. */
    static double apiRequestsCounted(String status, String code) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(ManagementPort.url("/q/metrics").toString())).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher count = Pattern.compile("geoloc_api_requests_seconds_count\\{code=\"" + code + "\",status=\"" + status
                + "\"} ([0-9.E]+)").matcher(metrics);
        return count.find() ? Double.parseDouble(count.group(1)) : 0;
    }
}
