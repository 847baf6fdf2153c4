package dev.geoloc.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.geoloc.registry.SchemaRegistryException.Kind;
import dev.geoloc.stack.StreamingStack;
import dev.geoloc.stack.StreamingStackExtension;

/** The REST client against a real Confluent-compatible registry (Apicurio's ccompat API). */
@ExtendWith(StreamingStackExtension.class)
class SchemaRegistryClientTest {

    private static final Schema V1 = schema("""
            {"type":"record","name":"Shape","namespace":"test","fields":[{"name":"sides","type":"int"}]}""");
    private static final Schema V2_OPTIONAL_FIELD = schema("""
            {"type":"record","name":"Shape","namespace":"test","fields":[{"name":"sides","type":"int"},
             {"name":"color","type":["null","string"],"default":null}]}""");
    private static final Schema V2_REQUIRED_FIELD = schema("""
            {"type":"record","name":"Shape","namespace":"test","fields":[{"name":"sides","type":"int"},
             {"name":"color","type":"string"}]}""");

    private final StreamingStack stack;
    private final SchemaRegistryClient client;

    SchemaRegistryClientTest(StreamingStack stack) {
        this.stack = stack;
        this.client = SchemaRegistryClient.fromConfig(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()));
    }

    @Test
    void registeringIsIdempotentAndTheSameSchemaKeepsItsIdAcrossSubjects() {
        String subject = newSubject();

        int id = client.register(subject, V1);

        assertThat(client.register(subject, V1)).isEqualTo(id);
        assertThat(freshClient().register(subject, V1)).isEqualTo(id);
        assertThat(freshClient().register(newSubject(), V1)).isEqualTo(id);
        assertThat(freshClient().schemaById(id)).isEqualTo(V1);
    }

    @Test
    void latestFollowsNewVersions() {
        String subject = newSubject();
        client.register(subject, V1);

        int id2 = client.register(subject, V2_OPTIONAL_FIELD);
        RegisteredSchema latest = client.latest(subject);

        assertThat(latest.version()).isEqualTo(2);
        assertThat(latest.id()).isEqualTo(id2);
        assertThat(latest.schema()).isEqualTo(V2_OPTIONAL_FIELD);
        assertThat(latest.subject()).isEqualTo(subject);
    }

    @Test
    void idOfFindsRegisteredSchemasAndRegistersNothing() {
        String subject = newSubject();
        int id = client.register(subject, V1);

        assertThat(freshClient().idOf(subject, V1)).isEqualTo(id);
        assertThatThrownBy(() -> client.idOf(subject, V2_OPTIONAL_FIELD))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> client.idOf(newSubject(), V1))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isIn(Kind.SUBJECT_NOT_FOUND, Kind.SCHEMA_NOT_FOUND));
        assertThat(client.latest(subject).version()).isEqualTo(1);
    }

    @Test
    void anUnknownIdIsSchemaNotFoundWithTheIdInTheMessage() {
        assertThatThrownBy(() -> client.schemaById(987_654))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.SCHEMA_NOT_FOUND);
                    assertThat(e.errorCode()).isEqualTo(40403);
                })
                .hasMessageContaining("/schemas/ids/987654");
    }

    @Test
    void compatibilityChecksAndRegistrationFollowTheBackwardRule() {
        String subject = newSubject();
        client.register(subject, V1);

        assertThat(client.testCompatibility(subject, V2_OPTIONAL_FIELD).compatible()).isTrue();
        assertThat(client.testCompatibility(subject, V2_REQUIRED_FIELD).compatible()).isFalse();
        assertThatThrownBy(() -> client.register(subject, V2_REQUIRED_FIELD))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.INCOMPATIBLE_SCHEMA);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageContaining(subject);
    }

    @Test
    void retriesServerErrorsAndThenSucceeds() throws Exception {
        try (RegistryGateway gateway = RegistryGateway.plain(stack.schemaRegistryUrl())) {
            SchemaRegistryClient throughGateway = SchemaRegistryClient.fromConfig(Map.of(
                    RegistryClientConfig.URL, gateway.url(),
                    RegistryClientConfig.MAX_RETRIES, "3",
                    RegistryClientConfig.RETRIES_WAIT_MS, "10"));
            String subject = newSubject();
            gateway.failNext(2);

            int id = throughGateway.register(subject, V1);

            assertThat(id).isEqualTo(client.register(subject, V1));
            assertThat(gateway.requests("POST /subjects/" + subject + "/versions")).isEqualTo(3);
        }
    }

    @Test
    void neverRetriesARefusal() throws Exception {
        try (RegistryGateway gateway = RegistryGateway.plain(stack.schemaRegistryUrl())) {
            SchemaRegistryClient throughGateway = SchemaRegistryClient.fromConfig(Map.of(
                    RegistryClientConfig.URL, gateway.url(),
                    RegistryClientConfig.RETRIES_WAIT_MS, "10"));

            assertThatThrownBy(() -> throughGateway.schemaById(987_655)).isInstanceOf(SchemaRegistryException.class);
            assertThat(gateway.requests("GET /schemas/ids/987655")).isEqualTo(1);
        }
    }

    @Test
    void failsOverToTheNextUrlEvenWithoutRetries() {
        SchemaRegistryClient withDeadFirstUrl = SchemaRegistryClient.fromConfig(Map.of(
                RegistryClientConfig.URL, "http://127.0.0.1:1," + stack.schemaRegistryUrl(),
                RegistryClientConfig.MAX_RETRIES, "0"));

        assertThat(withDeadFirstUrl.register(newSubject(), V1)).isEqualTo(client.register(newSubject(), V1));
    }

    @Test
    void anUnreachableRegistryFailsClearlyAfterItsRetries() {
        SchemaRegistryClient unreachable = SchemaRegistryClient.fromConfig(Map.of(
                RegistryClientConfig.URL, "http://127.0.0.1:1",
                RegistryClientConfig.MAX_RETRIES, "2",
                RegistryClientConfig.RETRIES_WAIT_MS, "10"));

        assertThatThrownBy(() -> unreachable.schemaById(1))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessageContaining("http://127.0.0.1:1")
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("ConnectException");
    }

    @Test
    void aWriterSchemaWithAWrongDefaultStillDescribesItsRecords() throws Exception {
        // Apicurio refuses such schemas; other registries have stored them. Defaults only matter to readers.
        String odd = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Odd\\\",\\\"fields\\\":["
                + "{\\\"name\\\":\\\"n\\\",\\\"type\\\":\\\"int\\\",\\\"default\\\":\\\"x\\\"}]}";
        try (RegistryGateway gateway = RegistryGateway.plain(stack.schemaRegistryUrl())) {
            gateway.answerNext(200, "{\"schema\":\"" + odd + "\"}");

            Schema schema = viaGateway(gateway).schemaById(4242);

            assertThat(schema.getField("n").schema().getType()).isEqualTo(Schema.Type.INT);
        }
    }

    @Test
    void schemaReferencesAreRefusedClearly() throws Exception {
        try (RegistryGateway gateway = RegistryGateway.plain(stack.schemaRegistryUrl())) {
            gateway.answerNext(200, "{\"schema\":\"\\\"string\\\"\",\"references\":"
                    + "[{\"name\":\"other.avsc\",\"subject\":\"other\",\"version\":1}]}");

            assertThatThrownBy(() -> viaGateway(gateway).schemaById(4243))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_SCHEMA))
                    .hasMessageContaining("schema references");
        }
    }

    @Test
    void anEndlessAnswerIsReadOnlyUpToItsLimit() throws Exception {
        String twentyMebibytes = "x".repeat(20 * 1024 * 1024);
        try (RegistryGateway gateway = RegistryGateway.plain(stack.schemaRegistryUrl())) {
            // An error page that never ends: cut, and still an unknown id
            gateway.answerNext(404, "<html>" + twentyMebibytes);
            assertThatThrownBy(() -> viaGateway(gateway).schemaById(4244))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.SCHEMA_NOT_FOUND));

            // A success that never ends: no schema is that large
            gateway.answerNext(200, "{\"schema\":\"" + twentyMebibytes);
            assertThatThrownBy(() -> viaGateway(gateway).schemaById(4245))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR))
                    .hasMessageContaining("more than 8388608 bytes");
        }
    }

    @Test
    void aRedirectIsReportedNotFollowed() throws Exception {
        try (RegistryGateway gateway = RegistryGateway.plain(stack.schemaRegistryUrl())) {
            gateway.redirectNext("https://elsewhere.example.com/apis/ccompat/v7/subjects/x/versions");

            assertThatThrownBy(() -> viaGateway(gateway).register(newSubject(), V1))
                    .isInstanceOfSatisfying(SchemaRegistryException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.REQUEST_FAILED))
                    .hasMessageContaining("redirected to https://elsewhere.example.com");
        }
    }

    private static SchemaRegistryClient viaGateway(RegistryGateway gateway) {
        return SchemaRegistryClient.fromConfig(Map.of(RegistryClientConfig.URL, gateway.url(),
                RegistryClientConfig.MAX_RETRIES, "0"));
    }

    private SchemaRegistryClient freshClient() {
        return SchemaRegistryClient.fromConfig(Map.of(RegistryClientConfig.URL, stack.schemaRegistryUrl()));
    }

    private static String newSubject() {
        return "client-test-" + UUID.randomUUID() + "-value";
    }

    private static Schema schema(String json) {
        return new Schema.Parser().parse(json);
    }
}
