package dev.geoloc.processor.intake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.geoloc.imaging.Reason;
import dev.geoloc.processor.fetch.FetchException;

/** Each refusal reason and fetch failure has the dead-letter code its name promises readers of the topic. */
class DeadLetterCodesTest {

    @Test
    void everyImageReasonHasTheCodeOfItsName() {
        for (Reason reason : Reason.values()) {
            assertThat(DeadLetterCodes.of(reason).name()).as(reason.name()).isEqualTo(reason.name());
        }
    }

    @Test
    void everyFetchFailureHasTheCodeOfItsName() {
        for (FetchException.Failure failure : FetchException.Failure.values()) {
            assertThat(DeadLetterCodes.of(failure).name()).as(failure.name()).isEqualTo(failure.name());
        }
    }
}
