package dev.geoloc.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;

/** The packaged processor with GEOLOC_LOG_JSON=true, as a log pipeline runs it: every line one JSON object. */
class JsonLogsIT {

    /** The prefix of libtorch's native log lines (c10's logging): severity, date, time, source file. */
    private static final Pattern LIBTORCH_NATIVE = Pattern.compile("^\\[[IWEF]\\d{4} [0-9:.]+ [A-Za-z0-9_]+\\.(?:cpp|h):\\d+\\]");

    @Test
    void withGeolocLogJsonEveryLineIsAJsonRecord() throws Exception {
        // Given the stack
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        Path work = Files.createDirectories(Path.of("target", "json-logs").toAbsolutePath());
        Path log = work.resolve("processor.log");

        // When the processor starts with JSON logs switched on, and serves
        try (ProcessorProcess processor = ProcessorProcess.start(stack, StreamingStackResource.testBundle(),
                work.resolve("state-" + System.nanoTime()), log, Map.of(), Map.of("GEOLOC_LOG_JSON", "true"))) {
            processor.awaitOrFail(() -> processor.httpPort().isPresent(), 180, "the HTTP server listening", () -> "");
        }

        // Then each line the JVM logged is a JSON record with a time, a level, a logger and a message; only
        // libtorch's own C++ warnings, written straight to stderr, bypass the JVM's logging
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(log).stream().filter(line -> !line.isBlank())
                .filter(line -> !LIBTORCH_NATIVE.matcher(line).find()).toList();
        assertThat(lines).hasSizeGreaterThan(5);
        for (String line : lines) {
            JsonNode record = json.readTree(line);
            assertThat(record.has("timestamp") && record.has("level") && record.has("loggerName") && record.has("message"))
                    .as(line).isTrue();
        }
        assertThat(lines).anyMatch(line -> line.contains("Listening on: http://"));
    }
}
