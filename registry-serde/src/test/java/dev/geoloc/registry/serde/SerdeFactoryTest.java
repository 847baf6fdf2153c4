package dev.geoloc.registry.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class SerdeFactoryTest {

    private static final Map<String, Object> CONFIG = Map.of("schema.registry.url", "http://127.0.0.1:1");

    @Test
    void createsAndConfiguresTheNamedSerde() {
        Serde<Object> serde = SerdeFactory.create("geoloc.serde", SpecificAvroSerde.class.getName(), CONFIG, false);

        assertThat(serde).isInstanceOf(SpecificAvroSerde.class);
        // Configured: it reads Confluent's framing without touching the (unreachable) registry.
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {9, 9, 9, 9, 9}))
                .isInstanceOf(AvroSerdeException.class);
    }

    @Test
    void anyKafkaSerdeWithANoArgumentConstructorWorks() {
        Serde<String> serde = SerdeFactory.create("geoloc.serde", Serdes.StringSerde.class.getName(), CONFIG, true);

        assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", "ok"))).isEqualTo("ok");
    }

    @Test
    void saysWhichSettingNamesAMissingOrWrongClass() {
        assertThatThrownBy(() -> SerdeFactory.create("geoloc.serde",
                "io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde", CONFIG, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("geoloc.serde")
                .hasMessageContaining("no such class on the classpath");
        assertThatThrownBy(() -> SerdeFactory.create("geoloc.serde", String.class.getName(), CONFIG, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a org.apache.kafka.common.serialization.Serde");
    }
}
