package dev.geoloc.processor.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.StreamingStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The API guarded by a token and saturated: a batch that waits 3 s to fill holds the 4 requests the API answers at
 * once, so that more are refused while they wait.
 */
@QuarkusTest
@QuarkusTestResource(StreamingStackResource.class)
@TestProfile(GeotagBackPressureTest.SlowBatches.class)
class GeotagBackPressureTest {

    private static final String TOKEN = "Bearer api-test-token";

    public static class SlowBatches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("geoloc.api.token", "api-test-token", "geoloc.api.max-concurrent", "4",
                    "geoloc.api.body-timeout", "2s", "geoloc.batching.max-delay", "3s", "geoloc.batching.max-size", "64");
        }
    }

    /** An answer and when it came. */
    private record Timed(GeotagClient.Answer answer, long nanos) {
    }

    @TestHTTPResource(GeotagRoutes.PATH)
    URL endpoint;

    private final byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED, TestImages.GREEN), false);

    @Test
    void withATokenSetOnlyWhoeverPresentsItIsAnswered() {
        GeotagClient api = new GeotagClient(endpoint);

        GeotagClient.Answer none = api.image(photo, "");
        GeotagClient.Answer wrong = api.image(photo, "", "Bearer not-the-token");
        GeotagClient.Answer right = api.image(photo, "", TOKEN);

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body().at("/code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(right.status()).as(right.body().toString()).isEqualTo(200);
    }

    @Test
    void requestsBeyondWhatTheApiAnswersAtOnceAreRefusedAt429WhileTheOthersWait() throws Exception {
        GeotagClient api = new GeotagClient(endpoint);
        ExecutorService clients = Executors.newFixedThreadPool(12);
        // given 4 requests waiting for their batch, which runs 3 s after the first came
        // when 8 more come meanwhile
        List<Future<Timed>> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            requests.add(clients.submit(() -> {
                GeotagClient.Answer answer = api.image(photo, "", TOKEN);
                return new Timed(answer, System.nanoTime());
            }));
        }
        List<Timed> answers = new ArrayList<>();
        for (Future<Timed> request : requests) {
            answers.add(request.get());
        }
        clients.shutdown();

        // then those are refused with 429 and a Retry-After at once, before the waiting ones are answered, not
        // after a timeout; and the 4 are answered
        List<Timed> busy = answers.stream().filter(a -> a.answer().status() == 429).toList();
        List<Timed> answered = answers.stream().filter(a -> a.answer().status() == 200).toList();
        assertThat(answered).as("answered").hasSize(4);
        assertThat(busy).as("refused as busy").hasSize(8);
        long firstAnswered = answered.stream().mapToLong(Timed::nanos).min().orElseThrow();
        for (Timed refused : busy) {
            assertThat(refused.answer().body().at("/code").asText()).isEqualTo("BUSY");
            assertThat(refused.answer().body().at("/reason").asText()).contains("geoloc.api.max-concurrent");
            assertThat(refused.answer().retryAfter()).isEqualTo("1");
            assertThat(refused.nanos()).as("refused before any waiting request was answered").isLessThan(firstAnswered);
        }
        assertThat(answered).allSatisfy(a -> assertThat(a.answer().body().at("/batch_size").asInt()).isEqualTo(4));
    }

    @Test
    void aRequestBeyondWhatTheApiAnswersAtOnceIsRefusedBeforeItsBodyIsRead() throws Exception {
        GeotagClient api = new GeotagClient(endpoint);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        // Given the 4 requests the API answers at once, waiting for their batch
        List<Future<GeotagClient.Answer>> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(clients.submit(() -> api.image(photo, "", TOKEN)));
        }
        Thread.sleep(1_000); // well inside the 3 s their batch waits

        // When a fifth announces a 10 MiB body and sends none of it
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write(("POST " + endpoint.getPath() + " HTTP/1.1\r\nHost: " + endpoint.getHost()
                    + "\r\nAuthorization: " + TOKEN + "\r\nContent-Type: image/jpeg\r\nContent-Length: "
                    + (10 << 20) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            // Then it is refused at once, without waiting for the body that no place is left to hold
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(status).isEqualTo("HTTP/1.1 429 Too Many Requests");
        }
        // and the 4 are answered
        for (Future<GeotagClient.Answer> answer : waiting) {
            assertThat(answer.get().status()).isEqualTo(200);
        }
        clients.shutdown();
    }

    @Test
    void aBodyThatDoesNotArriveInTimeIsAnswered408AndGivesItsPlaceBack() throws Exception {
        // Given 4 requests, the most answered at once, whose bodies trickle in and then stop
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket socket = new Socket(endpoint.getHost(), endpoint.getPort());
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("POST " + endpoint.getPath() + " HTTP/1.1\r\nHost: "
                        + endpoint.getHost() + "\r\nAuthorization: " + TOKEN + "\r\nContent-Type: image/jpeg\r\n"
                        + "Content-Length: " + photo.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(photo, 0, 10);
                socket.getOutputStream().flush();
                slow.add(socket);
            }

            // When their body timeout passes, then each is answered 408
            for (Socket socket : slow) {
                String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                assertThat(status).isEqualTo("HTTP/1.1 408 Request Timeout");
            }
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
        // and their places are free again: a whole request is answered
        assertThat(new GeotagClient(endpoint).image(photo, "", TOKEN).status()).isEqualTo(200);
    }
}
