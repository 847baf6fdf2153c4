package dev.geoloc.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import dev.geoloc.registry.RegistryClientConfig;
import dev.geoloc.registry.SchemaRegistryClient;
import dev.geoloc.registry.SchemaRegistryException;
import dev.geoloc.registry.serde.SpecificAvroSerde;
import dev.geoloc.registry.serde.WireFormat;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.StreamingStackExtension;

/**
 * The contracts evolve BACKWARD, as the registry's check decides: a new optional field passes, a new
 * required field is refused, and records already on the topics read with the next version.
 */
@ExtendWith(StreamingStackExtension.class)
class SchemaEvolutionTest {

    static final List<Schema> contracts = Contracts.ALL;

    private final SchemaRegistryClient registry;

    SchemaEvolutionTest(StreamingStack stack) {
        this.registry = SchemaRegistryClient.fromConfig(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()));
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("contracts")
    void addingAnOptionalFieldStaysCompatible(Schema current) {
        String subject = subjectFor(current);
        registry.register(subject, current);

        Schema next = withField(current, new Schema.Field("added_later",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "A field a later version adds.", JsonProperties.NULL_VALUE));

        assertThat(registry.testCompatibility(subject, next).compatible()).isTrue();
        registry.register(subject, next);
        assertThat(registry.latest(subject).version()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("contracts")
    void addingARequiredFieldIsRefused(Schema current) {
        String subject = subjectFor(current);
        registry.register(subject, current);

        Schema breaking = withField(current, new Schema.Field("required_later", Schema.create(Schema.Type.STRING),
                "A field old records lack.", (Object) null));

        assertThat(registry.testCompatibility(subject, breaking).compatible()).isFalse();
        assertThatThrownBy(() -> registry.register(subject, breaking))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.INCOMPATIBLE_SCHEMA));
        assertThat(registry.latest(subject).version()).isEqualTo(1);
    }

    /** Released schemas, as their subjects in a running registry hold them: what this build must evolve from. */
    static final List<String> released = List.of("ModelVersion-1", "ModelStatus-1", "ImageEvent-1", "RegionPrediction-1");

    @ParameterizedTest(name = "{0}")
    @FieldSource("released")
    void theCurrentSchemaIsANewVersionOfTheReleasedOne(String name) throws IOException {
        // Given the schema as released, registered under its subject
        Schema before;
        try (var in = SchemaEvolutionTest.class.getResourceAsStream("/released/" + name + ".avsc")) {
            before = new Schema.Parser().parse(in);
        }
        Schema now = Contracts.byName(before.getName());
        String subject = subjectFor(before);
        registry.register(subject, before);

        // When this build's schema is registered under the same subject
        assertThat(registry.testCompatibility(subject, now).compatible()).as("BACKWARD compatible").isTrue();
        registry.register(subject, now);

        // Then it is the subject's second version
        assertThat(registry.latest(subject).version()).isEqualTo(2);
    }

    @Test
    void eventsWrittenTodayReadWithTheNextVersion(StreamingStack stack) throws IOException {
        SpecificAvroSerde<ImageEvent> serde = new SpecificAvroSerde<>();
        serde.configure(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()), false);
        ImageEvent today = SampleEvents.all().get(0);
        byte[] payload = serde.serializer().serialize("evolution-" + UUID.randomUUID(), today);
        Schema next = withField(ImageEvent.getClassSchema(), new Schema.Field("added_later",
                Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
                "A field a later version adds.", JsonProperties.NULL_VALUE));

        Schema writer = registry.schemaById(WireFormat.schemaId(payload));
        GenericRecord read = new GenericDatumReader<GenericRecord>(writer, next).read(null, DecoderFactory.get()
                .binaryDecoder(payload, WireFormat.HEADER_LENGTH, payload.length - WireFormat.HEADER_LENGTH, null));

        assertThat(read.get("image_id").toString()).isEqualTo(today.getImageId());
        assertThat(read.get("added_later")).isNull();
    }

    private static String subjectFor(Schema schema) {
        return "evolution-" + schema.getName() + "-" + UUID.randomUUID() + "-value";
    }

    private static Schema withField(Schema record, Schema.Field added) {
        List<Schema.Field> fields = new ArrayList<>();
        record.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        fields.add(added);
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }
}
