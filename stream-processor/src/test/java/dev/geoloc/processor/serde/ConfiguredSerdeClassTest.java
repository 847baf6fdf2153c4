package dev.geoloc.processor.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.geoloc.processor.StreamingStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The Avro serde is a setting: a deployment can name another class, e.g. Confluent's SpecificAvroSerde. */
@QuarkusTest
@QuarkusTestResource(StreamingStackResource.class)
@TestProfile(ConfiguredSerdeClassTest.OtherSerde.class)
class ConfiguredSerdeClassTest {

    public static class OtherSerde implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "geoloc.serde.avro-serde", RecordingSerde.class.getName(),
                    "geoloc.serde.auto-register-schemas", "false",
                    "geoloc.serde.config.\"basic.auth.credentials.source\"", "USER_INFO",
                    "geoloc.serde.config.\"basic.auth.user.info\"", "processor:secret");
        }
    }

    @Inject
    AvroSerdes serdes;

    @Test
    void theNamedClassGetsConfluentStyleSettings() {
        var serde = serdes.valueSerde();

        assertThat(serde).isInstanceOf(RecordingSerde.class);
        assertThat(((RecordingSerde<?>) serde).configured).containsEntry("auto.register.schemas", false)
                .containsEntry("basic.auth.credentials.source", "USER_INFO")
                .containsEntry("basic.auth.user.info", "processor:secret")
                .containsKey("schema.registry.url");
    }
}
