package dev.geoloc.processor.intake;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The intake limits keep every prediction, which copies the fields they bound, under its topic's 1 MiB. */
class IntakeLimitsTest {

    @Test
    void limitsWhoseCopiesFitAPredictionAreAccepted() {
        assertThatCode(() -> new IntakeLimits(4096, 1024, 65536, 16)).doesNotThrowAnyException();
        assertThatCode(() -> new IntakeLimits(4096, 1024, IntakeLimits.MAX_COPIED_BYTES - 5120, 16))
                .doesNotThrowAnyException();
    }

    @Test
    void limitsThatWouldLetAPredictionOutgrowItsTopicAreRefusedAtStart() {
        assertThatThrownBy(() -> new IntakeLimits(4096, 1024, 1024 * 1024, 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must stay within 786,432 bytes, got 1,053,696");
    }
}
