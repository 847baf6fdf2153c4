package dev.geoloc.trainer.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.geoloc.regions.LatLon;
import dev.geoloc.trainer.collect.FakeStreetView.Answer;
import dev.geoloc.trainer.collect.FakeStreetView.Fault;

class StreetViewClientTest {

    private static final LatLon POINT = new LatLon(34.05, -118.25);
    private static final Duration BACKOFF = Duration.ofMillis(100);

    private FakeStreetView fake;
    private final List<Duration> backoffs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        fake = new FakeStreetView();
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    /** Backoffs are recorded, not slept: the tests check them without waiting. */
    private StreetViewClient client(String key, int maxRetries, Duration timeout) {
        StreetViewClient.Settings settings = new StreetViewClient.Settings(fake.baseUrl(), key, timeout,
                new RetryPolicy(maxRetries, BACKOFF, Duration.ofSeconds(1)), new ImageSize(640, 640), 90);
        return new StreetViewClient(settings, new RateLimiter(1000, 1, System::nanoTime, Sleeper.SYSTEM),
                backoffs::add, new Random(7));
    }

    private StreetViewClient client() {
        return client(FakeStreetView.KEY, 3, Duration.ofSeconds(5));
    }

    @Test
    void readsAPanorama() throws Exception {
        LatLon pano = new LatLon(34.0500451, -118.2500120);
        fake.answer(POINT, Answer.panorama("CAoSLEFGMVFpcE", pano));

        PanoramaMetadata metadata = client().metadata(POINT, 50);

        assertThat(metadata.status()).isEqualTo(MetadataStatus.OK);
        assertThat(metadata.panoId()).isEqualTo("CAoSLEFGMVFpcE");
        assertThat(metadata.location()).isEqualTo(pano);
        assertThat(metadata.date()).contains("2019-05");
        assertThat(fake.queries()).singleElement().asString()
                .contains("location=34.0500000,-118.2500000", "radius=50", "source=outdoor",
                        "key=" + URLEncoder.encode(FakeStreetView.KEY, StandardCharsets.UTF_8));
    }

    @Test
    void noPanoramaIsAnAnswerNotAnError() throws Exception {
        fake.answer(POINT, Answer.none());
        assertThat(client().metadata(POINT, 50).status()).isEqualTo(MetadataStatus.ZERO_RESULTS);
        assertThat(fake.metadataRequests()).isEqualTo(1);
        assertThat(backoffs).isEmpty();
    }

    @Test
    void retriesQuotaAndServerErrorsWithGrowingBackoff() throws Exception {
        fake.failMetadata(Fault.OVER_QUERY_LIMIT, Fault.HTTP_429, Fault.HTTP_500);

        assertThat(client().metadata(POINT, 50).status()).isEqualTo(MetadataStatus.OK);

        assertThat(fake.metadataRequests()).isEqualTo(4);
        assertThat(backoffs).hasSize(3);
        // Equal jitter: retry i waits between half and all of 100 ms * 2^i.
        for (int i = 0; i < 3; i++) {
            long ceiling = BACKOFF.toMillis() << i;
            assertThat(backoffs.get(i).toMillis()).isBetween(ceiling / 2, ceiling);
        }
    }

    @Test
    void retriesUnknownErrorAndImageServerErrors() throws Exception {
        fake.failMetadata(Fault.UNKNOWN_ERROR);
        fake.failImages(Fault.HTTP_500, Fault.HTTP_429);
        StreetViewClient client = client();

        assertThat(client.metadata(POINT, 50).status()).isEqualTo(MetadataStatus.OK);
        assertThat(client.image("pano-1", 90)).isEqualTo(FakeStreetView.JPEG);
        assertThat(fake.imageRequestsByImage()).containsEntry("pano-1@90", 3);
        assertThat(client.requests()).isEqualTo(5);
    }

    @Test
    void retriesATimedOutRequest() throws Exception {
        fake.failMetadata(Fault.SLOW);
        StreetViewClient client = client(FakeStreetView.KEY, 2, Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThat(client.metadata(POINT, 50).status()).isEqualTo(MetadataStatus.OK);

        assertThat(fake.metadataRequests()).isEqualTo(2);
        assertThat(backoffs).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1400));
    }

    @Test
    void persistentQuotaErrorsGiveUpWithAClearMessage() {
        fake.metadataOutage(Fault.OVER_QUERY_LIMIT);

        assertThatThrownBy(() -> client().metadata(POINT, 50))
                .isInstanceOf(StreetViewException.class)
                .hasMessageContaining("after 4 tries")
                .hasMessageContaining("OVER_QUERY_LIMIT")
                .hasMessageContaining("quota")
                .hasMessageContaining("key=REDACTED")
                .message().doesNotContain(FakeStreetView.KEY)
                .doesNotContain(URLEncoder.encode(FakeStreetView.KEY, StandardCharsets.UTF_8));
        assertThat(fake.metadataRequests()).isEqualTo(4);
    }

    @Test
    void deniedRequestsFailAtOnceWithoutTheKey() {
        String wrongKey = "AIzaWRONG/key";

        assertThatThrownBy(() -> client(wrongKey, 3, Duration.ofSeconds(5)).metadata(POINT, 50))
                .isInstanceOf(StreetViewException.class)
                .hasMessageContaining("REQUEST_DENIED")
                .hasMessageContaining("The provided API key is invalid")
                .hasMessageContaining("Check the API key")
                .message().doesNotContain(wrongKey).doesNotContain("AIzaWRONG%2Fkey");
        assertThat(fake.metadataRequests()).isEqualTo(1);
        assertThat(backoffs).isEmpty();
    }

    @Test
    void aForbiddenImageFailsAtOnce() {
        fake.failImages(Fault.HTTP_403);

        assertThatThrownBy(() -> client().image("pano-1", 0))
                .isInstanceOf(StreetViewException.class)
                .hasMessageContaining("HTTP 403")
                .message().doesNotContain(FakeStreetView.KEY);
        assertThat(fake.imageRequests()).isEqualTo(1);
    }

    @Test
    void asksForTheConfiguredImage() throws Exception {
        client().image("pano-1", 270);
        assertThat(fake.queries()).singleElement().asString()
                .contains("size=640x640", "pano=pano-1", "heading=270", "pitch=0", "fov=90");
    }

    @Test
    void settingsNeverPrintTheKey() {
        assertThat(new StreetViewClient.Settings(fake.baseUrl(), FakeStreetView.KEY, Duration.ofSeconds(1),
                new RetryPolicy(5, BACKOFF, BACKOFF), new ImageSize(640, 640), 90).toString()).doesNotContain(FakeStreetView.KEY);
    }
}
