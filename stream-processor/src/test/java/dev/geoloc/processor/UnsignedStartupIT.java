package dev.geoloc.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * The packaged processor, told to follow published versions with no public key to verify them, stops at start-up and
 * says what to set, rather than serve whatever anyone who can write to model-versions publishes.
 */
class UnsignedStartupIT {

    @Test
    void aProcessorFollowingVersionsWithoutAKeyRefusesToStart() throws Exception {
        // Given the stack, and a processor following a model, with no geoloc.model.signature-public-key
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Path work = Files.createDirectories(Path.of("target", "unsigned-startup").toAbsolutePath());

        // When it starts
        try (ProcessorProcess processor = ProcessorProcess.start(stack, null, work.resolve("state-" + System.nanoTime()),
                work.resolve("processor.log"), Map.of("geoloc.model.name", "unsigned-startup"))) {
            OptionalInt exit = processor.awaitExit(Duration.ofSeconds(120));

            // Then it stops, naming both ways out
            assertThat(exit).as(processor.logTail()).isPresent();
            assertThat(exit.getAsInt()).as(processor.logTail()).isNotZero();
            assertThat(processor.logTail()).contains("geoloc.model.signature-public-key is not set",
                    "geoloc.model.allow-unsigned=true");
        }
    }
}
