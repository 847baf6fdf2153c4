package dev.geoloc.processor.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.geoloc.schemas.DeadLetterCode;

/** The fetch pool's turns per host, with a fetcher that hangs on one host until the test lets it go. */
class ImageSourceTest {

    private static final String HANGING = "https://hanging.example/";

    private final CountDownLatch hostAnswers = new CountDownLatch(1);

    private byte[] fetch(String uri) {
        if (uri.startsWith(HANGING)) {
            try {
                hostAnswers.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return uri.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void fetchesWaitingForAHangingHostHoldNoThreadSoOtherHostsAreFetchedAtOnce() throws Exception {
        // Given two fetch threads, one fetch per host at a time, and three fetches from a host that hangs
        try (ImageSource images = new ImageSource(this::fetch, 2, 1, Duration.ofSeconds(30))) {
            CompletableFuture<byte[]> first = images.fetch(HANGING + "1.jpg");
            CompletableFuture<byte[]> second = images.fetch(HANGING + "2.jpg");
            CompletableFuture<byte[]> third = images.fetch(HANGING + "3.jpg");

            // When another host's image is fetched, then it comes while the host still hangs
            assertThat(images.fetch("https://other.example/4.jpg").get(10, TimeUnit.SECONDS))
                    .asString(StandardCharsets.UTF_8).isEqualTo("https://other.example/4.jpg");
            assertThat(first).isNotDone();

            // and once the host answers, its fetches are done one after the other, in the order they came
            hostAnswers.countDown();
            assertThat(third.get(10, TimeUnit.SECONDS)).asString(StandardCharsets.UTF_8).endsWith("3.jpg");
            assertThat(first).isCompleted();
            assertThat(second).isCompleted();
        }
    }

    @Test
    void aFetchThatWaitedItsWholeTimeForItsHostIsUnreachableAndNamesNoQuery() throws Exception {
        // Given a host that hangs with one fetch under way, and a second that may wait 100 ms for its turn
        try (ImageSource images = new ImageSource(this::fetch, 2, 1, Duration.ofMillis(100))) {
            CompletableFuture<byte[]> first = images.fetch(HANGING + "1.jpg");
            CompletableFuture<byte[]> second = images.fetch(HANGING + "2.jpg?X-Amz-Signature=secret");
            Thread.sleep(200);

            // When the host answers the first, past the second's time
            hostAnswers.countDown();
            first.get(10, TimeUnit.SECONDS);

            // Then the second fails as unreachable, without its pre-signed query
            Throwable failed = catchThrowable(() -> second.get(10, TimeUnit.SECONDS));
            assertThat(failed).isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(Rejection.class);
            Rejection rejection = (Rejection) failed.getCause();
            assertThat(rejection.code()).isEqualTo(DeadLetterCode.URI_UNREACHABLE);
            assertThat(rejection.reason()).isEqualTo("The fetch of " + HANGING + "2.jpg could not start within 100 ms: "
                    + "1 fetches from hanging.example:-1 were under way all along (geoloc.uri.max-fetches-per-host)");
        }
    }
}
