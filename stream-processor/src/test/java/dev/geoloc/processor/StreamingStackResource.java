package dev.geoloc.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.geoloc.model.TestBundles;
import dev.geoloc.regions.RegionCatalog;
import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the application under test at the test run's real broker and registry, with its topics created, and
 * writes the real model bundle it serves ({@code %test.geoloc.model.bundle}): the built-in tiny CNN with a
 * seeded, untrained head over the Los Angeles catalog.
 */
public class StreamingStackResource implements QuarkusTestResourceLifecycleManager {

    /** geoloc.images.max-bytes in tests: small, so that an oversized payload stays small for the broker too. */
    public static final int MAX_IMAGE_BYTES = 512 * 1024;

    @Override
    public Map<String, String> start() {
        testBundle(); // application.properties names it for the test profile
        StreamingStack stack = LocalStreamingStack.shared();
        TestTopics.create(stack);
        return Map.of(
                "quarkus.kafka-streams.bootstrap-servers", stack.bootstrapServers(),
                "geoloc.serde.schema-registry-url", stack.schemaRegistryUrl(),
                "geoloc.images.max-bytes", String.valueOf(MAX_IMAGE_BYTES),
                "kafka-streams.state.dir", Path.of("target", "kafka-streams-state").toAbsolutePath().toString());
    }

    /** Written once per test JVM; every Quarkus start reuses it. */
    public static synchronized Path testBundle() {
        Path bundle = Path.of("target", "test-bundle").toAbsolutePath();
        if (!Files.exists(bundle.resolve("bundle.json"))) {
            try {
                Files.createDirectories(bundle.getParent());
                TestBundles.untrained(bundle, "tiny-cnn", TestBundles.CLASSIFIER, RegionCatalog.losAngeles());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bundle;
    }

    @Override
    public void stop() {
        // The shared stack stops when the test JVM exits.
    }
}
