package dev.geoloc.processor.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.imaging.TestImages;
import dev.geoloc.processor.intake.DecodePool.DecodeTime;
import dev.geoloc.processor.intake.DecodePool.Decoded;
import dev.geoloc.schemas.DeadLetterCode;

/**
 * Images decode on the pool, several at once, each within a deadline counted from its start; a decode past it is
 * a dead letter whose thread the pool replaces while it runs on.
 */
class DecodePoolTest {

    private final ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.imagenet(64), ImageLimits.DEFAULT);
    /** A 24-megapixel PNG: hundreds of milliseconds to decode. */
    private final byte[] large = TestImages.encode(TestImages.bands(6000, 4000, TestImages.RED, TestImages.BLUE), "png");
    /** A 12-megapixel JPEG: tens of milliseconds at the reduced DCT scale a 64 px input allows. */
    private final byte[] phone = TestImages.jpeg(TestImages.bands(4000, 3000, TestImages.GREEN, TestImages.BLUE), false);
    private final byte[] small = TestImages.jpeg(TestImages.bands(320, 240, TestImages.GREEN, TestImages.BLUE), false);
    private DecodePool pool;

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void anImageDecodesToWhatThePreprocessorGivesAndARefusalIsItsDeadLetter() throws Exception {
        pool = new DecodePool(2, Duration.ofSeconds(10));

        Decoded decoded = pool.decode(preprocessor, small).get(10, TimeUnit.SECONDS);

        assertThat(decoded.tensor()).isEqualTo(preprocessor.preprocess(small));
        assertThat(decoded.time().nanos()).isPositive();
        assertThatThrownBy(() -> pool.decode(preprocessor, new byte[] {1, 2, 3}).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(Rejection.class,
                        e -> assertThat(e.code()).isEqualTo(DeadLetterCode.NOT_AN_IMAGE));
        assertThat(pool.runaways()).isZero();
    }

    @Test
    void aDecodePastItsDeadlineIsTooCostlyAndTheImagesBehindItDoNotWaitForIt() throws Exception {
        pool = new DecodePool(1, Duration.ofMillis(50));
        pool.decode(preprocessor, small).get(10, TimeUnit.SECONDS); // OpenCV loaded, the code warm

        CompletableFuture<Decoded> runaway = pool.decode(preprocessor, large);
        CompletableFuture<Decoded> behind = pool.decode(preprocessor, small);

        assertThatThrownBy(() -> runaway.get(10, TimeUnit.SECONDS))
                .cause().isInstanceOfSatisfying(Rejection.class, e -> {
                    assertThat(e.code()).isEqualTo(DeadLetterCode.DECODE_TOO_COSTLY);
                    assertThat(e.reason()).contains("longer than 50 ms");
                });
        assertThat(behind.get(10, TimeUnit.SECONDS).tensor()).isEqualTo(preprocessor.preprocess(small));
        assertThat(pool.runaways()).as("the only decode thread is still held by the runaway").isEqualTo(1);
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (pool.runaways() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(pool.runaways()).as("the runaway decode finished").isZero();
    }

    @Test
    void theDeadlineCountsFromADecodesStartNotWhileItWaitsItsTurn() throws Exception {
        // Given a deadline far longer than one decode, and a queue of images that takes three deadlines to drain.
        // Far longer even on a loaded machine: with 200 ms, one decode outlived it once while a build ran beside.
        Duration one = oneDecode(phone);
        Duration deadline = Duration.ofMillis(Math.max(1000, 50 * one.toMillis()));
        pool = new DecodePool(1, deadline);
        int images = (int) (3 * deadline.toNanos() / Math.max(1, one.toNanos()));

        // When they are all handed over at once
        long queued = System.nanoTime();
        List<CompletableFuture<Decoded>> decodes = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            decodes.add(pool.decode(preprocessor, phone));
        }

        // Then every one is decoded, the last after waiting longer than the deadline
        List<DecodeTime> times = new ArrayList<>();
        for (CompletableFuture<Decoded> decode : decodes) {
            times.add(decode.get(60, TimeUnit.SECONDS).time());
        }
        DecodeTime last = times.get(times.size() - 1);
        assertThat(Duration.ofNanos(last.startedNanos() - queued))
                .as("the last of %d images waited longer than the %s deadline", images, deadline)
                .isGreaterThan(deadline);
        assertThat(pool.runaways()).isZero();
    }

    /** The median time of one decode of the image, warm. */
    private Duration oneDecode(byte[] image) throws Exception {
        long[] nanos = new long[9];
        for (int i = 0; i < nanos.length; i++) {
            long started = System.nanoTime();
            preprocessor.preprocess(image);
            nanos[i] = System.nanoTime() - started;
        }
        java.util.Arrays.sort(nanos);
        return Duration.ofNanos(nanos[nanos.length / 2]);
    }

    @Test
    void twoThreadsDecodeTwoImagesAtOnce() throws Exception {
        pool = new DecodePool(2, Duration.ofSeconds(10));
        List<CompletableFuture<Decoded>> decodes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            decodes.add(pool.decode(preprocessor, phone));
        }

        List<DecodeTime> times = new ArrayList<>();
        for (CompletableFuture<Decoded> decode : decodes) {
            times.add(decode.get(60, TimeUnit.SECONDS).time());
        }

        DecodeTime first = times.get(0);
        DecodeTime second = times.get(1);
        assertThat(second.startedNanos()).as("the second image started before the first was done")
                .isLessThan(first.startedNanos() + first.nanos());
    }
}
