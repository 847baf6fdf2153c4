package dev.geoloc.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

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
import dev.geoloc.stack.TopicsFile;

/**
 * The contracts evolve as the registry's check decides: a new optional field passes, a new required field is
 * refused, and records already on the topics read with the next version. Under their topics' rules from
 * deployment/topics.conf, outputs read by many (FULL_TRANSITIVE) keep every field their old readers need, and
 * model-versions (BACKWARD_TRANSITIVE) stays readable back to its first record.
 */
@ExtendWith(StreamingStackExtension.class)
class SchemaEvolutionTest {

    static final List<Schema> contracts = Contracts.ALL;

    private final SchemaRegistryClient registry;
    private final String registryUrl;

    SchemaEvolutionTest(StreamingStack stack) {
        this.registryUrl = stack.schemaRegistryUrl();
        this.registry = SchemaRegistryClient.fromConfig(Map.of(RegistryClientConfig.URL, registryUrl));
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
    void theCurrentSchemaIsANewVersionOfTheReleasedOneUnderItsTopicsRule(String name) throws Exception {
        // Given the schema as released, registered under a subject with its topic's rule from topics.conf
        Schema before;
        try (var in = SchemaEvolutionTest.class.getResourceAsStream("/released/" + name + ".avsc")) {
            before = new Schema.Parser().parse(in);
        }
        Schema now = Contracts.byName(before.getName());
        String rule = topicRule(TOPICS.get(before.getName()));
        String subject = subjectFor(before);
        setRule(subject, rule);
        registry.register(subject, before);

        // When this build's schema is registered under the same subject
        assertThat(registry.testCompatibility(subject, now).compatible()).as(rule + " compatible").isTrue();
        registry.register(subject, now);

        // Then it is the subject's second version
        assertThat(registry.latest(subject).version()).isEqualTo(2);
    }

    /** Each contract's topic in deployment/topics.conf, whose rule its subject follows. */
    static final Map<String, String> TOPICS = Map.of("ImageEvent", "image-events", "RegionPrediction",
            "region-predictions", "PanoramaPrediction", "panorama-predictions", "ModelVersion", "model-versions",
            "DeadLetter", "dead-letters", "ModelStatus", "model-status");

    static final List<Schema> fullyCompatible = Contracts.ALL.stream()
            .filter(schema -> topicRule(TOPICS.get(schema.getName())).equals("FULL_TRANSITIVE")).toList();

    @ParameterizedTest(name = "{0}")
    @FieldSource("fullyCompatible")
    void aTopicReadByManyRefusesDroppingAFieldItsOldReadersNeed(Schema current) throws Exception {
        // Given the contract under its topic's FULL_TRANSITIVE rule
        String subject = subjectFor(current);
        setRule(subject, "FULL_TRANSITIVE");
        registry.register(subject, current);

        // When a next version drops its first field, which has no default
        Schema.Field required = current.getFields().get(0);
        assertThat(required.hasDefaultValue()).isFalse();
        Schema dropped = without(current, required.name());

        // Then the registry refuses it, though the registry's default rule (BACKWARD) would take it
        assertThat(registry.testCompatibility(subject, dropped).compatible()).isFalse();
        String backward = subjectFor(current);
        registry.register(backward, current);
        assertThat(registry.testCompatibility(backward, dropped).compatible()).isTrue();
    }

    @Test
    void aNewDeadLetterCodeStaysFullyCompatibleThanksToTheEnumsDefault() throws Exception {
        // Given dead letters under their topic's rule
        Schema current = DeadLetter.getClassSchema();
        String subject = subjectFor(current);
        setRule(subject, topicRule("dead-letters"));
        registry.register(subject, current);

        // When a next version adds a code, which readers that predate it read as the enum's default
        Schema codes = current.getField("error_code").schema();
        List<String> symbols = new ArrayList<>(codes.getEnumSymbols());
        symbols.add("ADDED_LATER");
        Schema moreCodes = Schema.createEnum(codes.getName(), codes.getDoc(), codes.getNamespace(), symbols,
                codes.getEnumDefault());
        Schema next = replaced(current, "error_code", moreCodes);

        // Then it is a new version
        assertThat(registry.testCompatibility(subject, next).compatible()).isTrue();
        registry.register(subject, next);
        assertThat(registry.latest(subject).version()).isEqualTo(2);
    }

    @Test
    void modelVersionsRefuseAFieldThatOnlyTheLastVersionCouldFill() throws Exception {
        // Given model-versions under its rule, with a version that added an optional field
        assertThat(topicRule("model-versions")).isEqualTo("BACKWARD_TRANSITIVE");
        Schema first = ModelVersion.getClassSchema();
        String subject = subjectFor(first);
        setRule(subject, "BACKWARD_TRANSITIVE");
        registry.register(subject, first);
        registry.register(subject, withField(first, new Schema.Field("added_later", Schema.create(Schema.Type.STRING),
                "A field a later version adds.", "none")));

        // When a third version makes that field required
        Schema third = withField(first, new Schema.Field("added_later", Schema.create(Schema.Type.STRING),
                "A field a later version adds.", (Object) null));

        // Then registering it is refused, since the topic, kept forever, still holds records of the first version, which
        // lack it (a check against the latest version alone, which has a default, would pass)
        assertThat(registry.testCompatibility(subject, third).compatible()).isTrue();
        assertThatThrownBy(() -> registry.register(subject, third))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(SchemaRegistryException.Kind.INCOMPATIBLE_SCHEMA));
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

    private static String topicRule(String topic) {
        return TopicsFile.project(topic).valueCompatibility()
                .orElseThrow(() -> new IllegalStateException("topics.conf gives " + topic + " no value rule"));
    }

    /** Sets a subject's compatibility rule, as stack.sh and the kafka image's create-topics do. */
    private void setRule(String subject, String rule) throws IOException, InterruptedException {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(registryUrl + "/config/" + subject))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\": \"" + rule + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }


    private static String subjectFor(Schema schema) {
        return "evolution-" + schema.getName() + "-" + UUID.randomUUID() + "-value";
    }

    private static Schema withField(Schema record, Schema.Field added) {
        return rebuilt(record, fields -> fields.add(added));
    }

    private static Schema without(Schema record, String field) {
        return rebuilt(record, fields -> fields.removeIf(f -> f.name().equals(field)));
    }

    private static Schema replaced(Schema record, String field, Schema type) {
        return rebuilt(record, fields -> fields.replaceAll(f -> f.name().equals(field) ? new Schema.Field(f, type) : f));
    }

    /** A copy of the record with its fields changed (Avro fields belong to one record, so each is copied first). */
    private static Schema rebuilt(Schema record, Consumer<List<Schema.Field>> change) {
        List<Schema.Field> fields = new ArrayList<>();
        record.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
        change.accept(fields);
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }
}
