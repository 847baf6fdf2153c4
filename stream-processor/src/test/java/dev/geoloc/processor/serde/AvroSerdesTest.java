package dev.geoloc.processor.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.common.serialization.Serde;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.geoloc.processor.StreamingStackResource;
import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.SchemaRegistryClient;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.registry.serde.WireFormat;
import dev.geoloc.schemas.ImageEvent;
import dev.geoloc.schemas.InlineImage;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(StreamingStackResource.class)
class AvroSerdesTest {

    @Inject
    AvroSerdes serdes;

    @ConfigProperty(name = "geoloc.serde.schema-registry-url")
    String registryUrl;

    @Test
    void byDefaultImageEventsRoundTripThroughTheConfiguredRegistry() {
        Serde<ImageEvent> serde = serdes.valueSerde();
        ImageEvent event = ImageEvent.newBuilder()
                .setImageId("processor-serde-1")
                .setContent(new InlineImage(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8})))
                .setUploadTime(Instant.parse("2026-11-25T10:00:00Z"))
                .setSourcePlatform("test")
                .build();

        byte[] payload = serde.serializer().serialize("processor-serde-test", event);

        assertThat(serde).isInstanceOf(SpecificAvroSerde.class);
        assertThat(serde.<ImageEvent>deserializer().deserialize("processor-serde-test", payload)).isEqualTo(event);
        SchemaRegistryClient registry = SchemaRegistryClient.fromConfig(Map.of(RegistryClientConfig.URL, registryUrl));
        assertThat(WireFormat.schemaId(payload)).isEqualTo(registry.latest("processor-serde-test-value").id());
    }
}
