package dev.geoloc.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.processor.TopicProbe;
import dev.geoloc.schemas.DeadLetterCode;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.ImageUri;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** With URI fetching on (loopback allow-listed for the test's image server), images by URI are predicted or refused. */
@QuarkusTest
@QuarkusTestResource(StreamingStackResource.class)
@TestProfile(UriImagesTest.FetchingOn.class)
class UriImagesTest {

    public static class FetchingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("geoloc.uri.enabled", "true",
                    "geoloc.uri.allowed-schemes", "http",
                    "geoloc.uri.allowed-networks", "127.0.0.0/8",
                    "geoloc.uri.max-bytes", "100000",
                    "geoloc.uri.total-timeout", "2s");
        }
    }

    private static HttpServer server;
    /** Takes connections into its backlog and never answers one: a server that hangs. */
    private static ServerSocket silent;
    private static TopicProbe probe;

    @BeforeAll
    static void start() throws Exception {
        byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, TestImages.RED, TestImages.GREEN), false);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/photo.jpg", exchange -> {
            exchange.sendResponseHeaders(200, photo.length);
            exchange.getResponseBody().write(photo);
            exchange.close();
        });
        server.createContext("/huge.jpg", exchange -> {
            exchange.sendResponseHeaders(200, 300_000);
            exchange.getResponseBody().write(new byte[300_000]);
            exchange.close();
        });
        server.start();
        silent = new ServerSocket(0, 500, InetAddress.getLoopbackAddress());
        probe = new TopicProbe();
    }

    @AfterAll
    static void stop() throws Exception {
        probe.close();
        server.stop(0);
        silent.close();
    }

    private static ImageEvent byUri(String id, String uri) {
        ImageEvent event = TopicProbe.event(id, new byte[] {1}, null);
        event.setContent(new ImageUri(uri));
        return event;
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void anAllowedUriIsFetchedAndPredicted() {
        probe.send(byUri("uri-ok", url("/photo.jpg")));

        assertThat(probe.awaitPrediction("uri-ok").value().getTopRegions()).hasSize(3);
    }

    @Test
    void aMissingImageIsUnreachable() {
        probe.send(byUri("uri-404", url("/missing.jpg")));

        var letter = probe.awaitDeadLetter("uri-404").value();
        assertThat(letter.getErrorCode()).isEqualTo(DeadLetterCode.URI_UNREACHABLE);
        assertThat(letter.getReason()).contains("404");
    }

    @Test
    void anImageOverTheByteCapIsTooLarge() {
        probe.send(byUri("uri-huge", url("/huge.jpg")));

        assertThat(probe.awaitDeadLetter("uri-huge").value().getErrorCode()).isEqualTo(DeadLetterCode.URI_TOO_LARGE);
    }

    @Test
    void aSchemeThatIsNotAllowedIsRefused() {
        probe.send(byUri("uri-ftp", "ftp://127.0.0.1/photo.jpg"));

        assertThat(probe.awaitDeadLetter("uri-ftp").value().getErrorCode()).isEqualTo(DeadLetterCode.URI_NOT_ALLOWED);
    }

    @Test
    void aServerThatNeverAnswersDoesNotHoldBackInlineImages() throws InterruptedException {
        // Given a processor that answers (started, its partitions assigned)
        byte[] warm = TestImages.jpeg(TestImages.bands(32, 24, TestImages.RED), false);
        probe.send(TopicProbe.event("before-hanging", warm, null));
        probe.awaitPrediction("before-hanging");

        // and 100 events whose image is on a server that never answers, each before an inline event, a pair every
        // 20 ms (paced, so that latency measures waiting, not a burst's queue)
        String hanging = "http://127.0.0.1:" + silent.getLocalPort() + "/photo.jpg";
        byte[] photo = TestImages.jpeg(TestImages.bands(64, 48, TestImages.BLUE, TestImages.GREEN), false);
        List<String> inline = new ArrayList<>();
        java.util.Map<String, Long> sentAt = new java.util.HashMap<>();
        for (int i = 0; i < 100; i++) {
            probe.sendAsync(byUri("hanging-" + i, hanging));
            String id = "beside-hanging-" + i;
            inline.add(id);
            sentAt.put(id, System.currentTimeMillis());
            probe.sendAsync(TopicProbe.event(id, photo, null));
            Thread.sleep(20);
        }

        // Then the inline events are answered within a second, 99 in 100 of them
        probe.awaitPredictions(inline);
        List<Long> latencies = inline.stream()
                .map(id -> probe.predictions(id).get(0).receivedMillis() - sentAt.get(id)).sorted().toList();
        List<Double> processing = inline.stream()
                .map(id -> probe.predictions(id).get(0).value().getEndToEndLatencyMs()).sorted().toList();
        System.out.println("Inline events beside a hanging server, ms: median " + latencies.get(49) + ", p99 "
                + latencies.get(98) + ", max " + latencies.get(99) + "; upload to prediction: median "
                + processing.get(49) + ", p99 " + processing.get(98));
        assertThat(latencies.get(98)).as("p99 of inline events, ms").isLessThan(1000);
        // and each hanging one gets its one dead letter
        for (int i = 0; i < 100; i++) {
            assertThat(probe.awaitDeadLetter("hanging-" + i).value().getErrorCode()).isEqualTo(DeadLetterCode.URI_UNREACHABLE);
        }
    }
}
