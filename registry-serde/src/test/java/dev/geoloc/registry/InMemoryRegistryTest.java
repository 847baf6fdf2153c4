package dev.geoloc.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import dev.geoloc.registry.SchemaRegistryException.Kind;
import dev.geoloc.registry.serde.AvroDeserializer;
import dev.geoloc.registry.serde.AvroSerializer;

/** {@code mock://<scope>}: the same client and serde, against a registry in memory that each scope shares. */
class InMemoryRegistryTest {

    private static final Schema POINT = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Point\","
            + "\"namespace\":\"test.mock\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");

    @Test
    void recordsWrittenThroughOneClientOfAScopeReadThroughAnother() {
        Map<String, Object> config = Map.of(RegistryClientConfig.URL, "mock://round-trip");
        AvroSerializer<GenericRecord> writer = new AvroSerializer<>();
        writer.configure(config, false);
        AvroDeserializer<GenericRecord> reader = new AvroDeserializer<>();
        reader.configure(config, false);
        GenericRecord point = new GenericData.Record(POINT);
        point.put("x", 7);

        GenericRecord read = reader.deserialize("points", writer.serialize("points", point));

        assertThat(read.get("x")).isEqualTo(7);
        SchemaRegistryClient other = SchemaRegistryClient.fromConfig(config);
        assertThat(other.latest("points-value").schema()).isEqualTo(POINT);
        assertThat(other.idOf("points-value", POINT)).isEqualTo(other.latest("points-value").id());
    }

    @Test
    void unknownIdsAndSubjectsAreRefusedWithConfluentsCodes() {
        SchemaRegistryClient client = SchemaRegistryClient.fromConfig(Map.of(RegistryClientConfig.URL, "mock://refusals"));

        assertThatThrownBy(() -> client.schemaById(999))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> client.latest("nobody-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SUBJECT_NOT_FOUND));
    }

    @Test
    void scopesAreSeparateRegistries() {
        SchemaRegistryClient one = SchemaRegistryClient.fromConfig(Map.of(RegistryClientConfig.URL, "mock://scope-one"));
        SchemaRegistryClient two = SchemaRegistryClient.fromConfig(Map.of(RegistryClientConfig.URL, "mock://scope-two"));
        int id = one.register("points-value", POINT);

        assertThat(one.schemaById(id)).isEqualTo(POINT);
        assertThatThrownBy(() -> two.latest("points-value")).isInstanceOf(SchemaRegistryException.class);
    }
}
