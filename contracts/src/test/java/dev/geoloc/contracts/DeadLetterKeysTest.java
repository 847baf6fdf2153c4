package dev.geoloc.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.geoloc.schemas.DeadLetter;
import dev.geoloc.schemas.DeadLetterCode;

class DeadLetterKeysTest {

    @Test
    void theKeyIsTheImageIdAndReadingItLeavesTheBufferAsItWas() {
        // A buffer that starts inside a larger array, as a deserializer may hand it over
        ByteBuffer key = ByteBuffer.wrap("xxphoto-7".getBytes(StandardCharsets.UTF_8), 2, 7).slice();
        DeadLetter letter = letter(key);

        assertThat(DeadLetterKeys.imageId(letter)).contains("photo-7");
        assertThat(DeadLetterKeys.imageId(letter)).contains("photo-7");
        assertThat(key.remaining()).isEqualTo(7);
    }

    @Test
    void anEventWithoutAKeyHasNoImageId() {
        assertThat(DeadLetterKeys.imageId(letter(null))).isEmpty();
    }

    private static DeadLetter letter(ByteBuffer key) {
        return DeadLetter.newBuilder().setSourceTopic(Topics.IMAGE_EVENTS).setSourcePartition(0).setSourceOffset(1)
                .setKey(key).setErrorCode(DeadLetterCode.MALFORMED_RECORD).setReason("test").setFailedTime(Instant.now())
                .build();
    }
}
