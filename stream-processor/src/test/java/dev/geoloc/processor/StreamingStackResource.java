package dev.geoloc.processor;

import java.util.Map;

import dev.geoloc.stack.LocalStreamingStack;
import dev.geoloc.stack.StreamingStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the application under test at the test run's real broker and registry. */
public class StreamingStackResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        StreamingStack stack = LocalStreamingStack.shared();
        return Map.of(
                "quarkus.kafka-streams.bootstrap-servers", stack.bootstrapServers(),
                "geoloc.serde.schema-registry-url", stack.schemaRegistryUrl());
    }

    @Override
    public void stop() {
        // The shared stack stops when the test JVM exits.
    }
}
