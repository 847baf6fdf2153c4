package dev.geoloc.processor.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.ImageLimits;
import dev.geoloc.imaging.ImagePreprocessor;
import dev.geoloc.imaging.ImageRejectedException;
import dev.geoloc.imaging.Preprocessing;
import dev.geoloc.imaging.Reason;
import dev.geoloc.imaging.TestImages;
import dev.geoloc.schemas.DeadLetterCode;

/** A decode that outlasts its deadline is a dead letter, not a stalled stream thread; others pass unchanged. */
class DecodeDeadlineTest {

    private final ImagePreprocessor preprocessor = new ImagePreprocessor(Preprocessing.imagenet(64), ImageLimits.DEFAULT);
    private DecodeDeadline deadline;

    @AfterEach
    void close() {
        deadline.close();
    }

    @Test
    void aDecodeThatOutlastsItsDeadlineIsTooCostlyAndCountedWhileItRunsOn() throws Exception {
        // A 24-megapixel PNG: hundreds of milliseconds to decode, against a deadline of one
        byte[] large = TestImages.encode(TestImages.bands(6000, 4000, TestImages.RED, TestImages.BLUE), "png");
        deadline = new DecodeDeadline(Duration.ofMillis(1));

        assertThatThrownBy(() -> deadline.preprocess(preprocessor, large))
                .isInstanceOfSatisfying(Rejection.class, e -> {
                    assertThat(e.code()).isEqualTo(DeadLetterCode.DECODE_TOO_COSTLY);
                    assertThat(e.reason()).contains("longer than 1 ms");
                });
        assertThat(deadline.runaways()).isEqualTo(1);
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (deadline.runaways() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(deadline.runaways()).as("the runaway decode finished").isZero();
    }

    @Test
    void withinItsDeadlineADecodeGivesWhatThePreprocessorGivesAndItsRefusals() throws Exception {
        byte[] photo = TestImages.jpeg(TestImages.bands(320, 240, TestImages.GREEN, TestImages.BLUE), false);
        deadline = new DecodeDeadline(Duration.ofSeconds(10));

        assertThat(deadline.preprocess(preprocessor, photo)).isEqualTo(preprocessor.preprocess(photo));
        assertThatThrownBy(() -> deadline.preprocess(preprocessor, new byte[] {1, 2, 3}))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_AN_IMAGE));
        assertThat(deadline.runaways()).isZero();
    }
}
