package dev.geoloc.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import dev.geoloc.numerics.CpuDescription;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/**
 * The packaged processor, forced onto a kernel path that computes wrong, stops at start-up and says why, rather than
 * serve wrong numbers or refuse version after version until its start-up times out. Only a CPU whose oneDNN computes
 * wrong (AMD family 26) can show it; elsewhere the forced path is right and the test is skipped.
 */
class NumericsStartupIT {

    @Test
    void aProcessorOnAPathThatComputesWrongStopsAtStartUpSayingWhy() throws Exception {
        assumeTrue(CpuDescription.current().oneDnnWrongAboveAvx2(), "only a CPU whose oneDNN computes wrong can show it");
        // Given the stack, and a processor told to compute on oneDNN's widest kernels
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Path work = Files.createDirectories(Path.of("target", "numerics-startup").toAbsolutePath());

        // When it starts
        try (ProcessorProcess processor = ProcessorProcess.start(stack, StreamingStackResource.testBundle(),
                work.resolve("state-" + System.nanoTime()), work.resolve("processor.log"), Map.of("geoloc.cpu-kernels", "onednn"))) {
            OptionalInt exit = processor.awaitExit(Duration.ofSeconds(120));

            // Then it stops, with the self-check's verdict and what to do in its log
            assertThat(exit).as(processor.logTail()).isPresent();
            assertThat(exit.getAsInt()).as(processor.logTail()).isNotZero();
            assertThat(processor.logTail()).contains("numerics self-check FAILED on AMD", "kernel path onednn",
                    "This machine computes models wrong", "GEOLOC_CPU_KERNELS=native");
        }
    }
}
