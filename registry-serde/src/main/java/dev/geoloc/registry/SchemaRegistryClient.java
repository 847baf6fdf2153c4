package dev.geoloc.registry;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.geoloc.registry.SchemaRegistryException.Kind;

/**
 * A client of the Confluent Schema Registry REST API (v1), for Avro schemas. It works against Confluent
 * Schema Registry, Apicurio's {@code /apis/ccompat/v7}, Karapace and Redpanda.
 *
 * <p>Ids are immutable, so schemas by id and ids by (subject, schema) are cached, the {@value #CACHED} used last
 * of each: a serializer calls the registry once per schema, a deserializer once per writer schema id. An id the
 * registry does not know is remembered for a minute, so a stream of records naming one costs a lookup a minute,
 * not one each. Answers are read up to {@value RegistryHttp#MAX_BODY_BYTES} bytes. Latest versions and compatibility checks always ask the
 * registry. Thread-safe.
 */
public final class SchemaRegistryClient {

    private final RegistryTransport http;
    /** Schemas and ids kept, per cache: Confluent's client keeps as many by default. */
    static final int CACHED = 1000;
    private static final long UNKNOWN_ID_TTL_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

    private final BoundedCache<Integer, Schema> schemasById = new BoundedCache<>(CACHED);
    private final BoundedCache<SubjectSchema, Integer> registeredIds = new BoundedCache<>(CACHED);
    private final BoundedCache<SubjectSchema, Integer> lookedUpIds = new BoundedCache<>(CACHED);
    /** Unknown ids, with when to ask again. */
    private final BoundedCache<Integer, Long> unknownUntil = new BoundedCache<>(CACHED);

    private record SubjectSchema(String subject, Schema schema) {
    }

    public SchemaRegistryClient(RegistryClientConfig config) {
        URI first = config.urls().get(0);
        this.http = InMemoryRegistry.SCHEME.equals(first.getScheme()) ? InMemoryRegistry.scope(first.getAuthority())
                : new RegistryHttp(config);
    }

    /** A client configured with Confluent's keys ({@code schema.registry.url}, ...): see {@link RegistryClientConfig}. */
    public static SchemaRegistryClient fromConfig(Map<String, ?> configs) {
        return new SchemaRegistryClient(RegistryClientConfig.from(configs));
    }

    /**
     * Registers the schema under the subject (a no-op returning the existing id when it is already there).
     *
     * @throws SchemaRegistryException {@code INCOMPATIBLE_SCHEMA} when the subject's rule refuses it
     */
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = registeredIds.get(key);
        if (cached != null) {
            return cached;
        }
        int id = http.post(subjectPath(subject) + "/versions", schemaBody(schema)).path("id").asInt(-1);
        requireId(id, "registering under " + subject);
        registeredIds.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /**
     * The id of a schema already registered under the subject, without registering anything.
     *
     * @throws SchemaRegistryException {@code SCHEMA_NOT_FOUND} or {@code SUBJECT_NOT_FOUND} when it is not there
     */
    public int idOf(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = lookedUpIds.get(key);
        if (cached != null) {
            return cached;
        }
        int id = http.post(subjectPath(subject), schemaBody(schema)).path("id").asInt(-1);
        requireId(id, "looking up under " + subject);
        lookedUpIds.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /**
     * The schema with this id.
     *
     * @throws SchemaRegistryException {@code SCHEMA_NOT_FOUND} when the registry has no such id, or said so less
     *                                 than a minute ago
     */
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Long until = unknownUntil.get(id);
        if (until != null && System.nanoTime() - until < 0) {
            throw new SchemaRegistryException(Kind.SCHEMA_NOT_FOUND, 40403, "Schema id " + id
                    + " is unknown to the registry (it said so less than a minute ago)");
        }
        JsonNode answer;
        try {
            answer = http.get("/schemas/ids/" + id);
        } catch (SchemaRegistryException e) {
            SchemaRegistryException refusal = unknownId(id, e);
            if (refusal.kind() == Kind.SCHEMA_NOT_FOUND) {
                unknownUntil.put(id, System.nanoTime() + UNKNOWN_ID_TTL_NANOS);
            }
            throw refusal;
        }
        requireAvro(answer, "schema id " + id);
        if (!answer.path("references").isEmpty()) {
            throw new SchemaRegistryException(Kind.INVALID_SCHEMA, -1, "Schema id " + id
                    + " uses schema references, which this client does not resolve");
        }
        Schema schema = parse(answer.path("schema").asText(), "schema id " + id);
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    /**
     * An id lookup answered 404, 400 or 422 without one of Confluent's error codes (a gateway's HTML page, a
     * registry that will not serve that id) is as good as an unknown id: not an outage, which is retried for ever.
     */
    private static SchemaRegistryException unknownId(int id, SchemaRegistryException e) {
        int status = e.errorCode();
        if (e.kind() == Kind.REQUEST_FAILED && (status == 404 || status == 400 || status == 422)) {
            return new SchemaRegistryException(Kind.SCHEMA_NOT_FOUND, status, "Schema id " + id + " is unknown: "
                    + e.getMessage(), e);
        }
        return e;
    }

    /** The subject's latest version: never cached, since it changes as schemas evolve. */
    public RegisteredSchema latest(String subject) {
        JsonNode answer = http.get(subjectPath(subject) + "/versions/latest");
        requireAvro(answer, "latest version of " + subject);
        return new RegisteredSchema(answer.path("subject").asText(subject), answer.path("version").asInt(),
                answer.path("id").asInt(), parse(answer.path("schema").asText(), "latest version of " + subject));
    }

    /** Asks the registry whether the schema may become the subject's next version under its rule. */
    public Compatibility testCompatibility(String subject, Schema schema) {
        JsonNode answer = http.post("/compatibility" + subjectPath(subject) + "/versions/latest?verbose=true",
                schemaBody(schema));
        if (!answer.has("is_compatible")) {
            throw new SchemaRegistryException(Kind.REQUEST_FAILED, -1,
                    "Compatibility check for " + subject + " gave no verdict: " + answer);
        }
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        return new Compatibility(answer.get("is_compatible").asBoolean(), messages);
    }

    private ObjectNode schemaBody(Schema schema) {
        // schemaType is omitted: AVRO is the default, and older registries reject the field.
        return http.json().createObjectNode().put("schema", schema.toString());
    }

    private static String subjectPath(String subject) {
        return "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void requireId(int id, String what) {
        if (id < 0) {
            throw new SchemaRegistryException(Kind.REQUEST_FAILED, -1, "The registry returned no id when " + what);
        }
    }

    private static void requireAvro(JsonNode answer, String what) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equals(type)) {
            throw new SchemaRegistryException(Kind.INVALID_SCHEMA, -1,
                    "The registry's " + what + " is a " + type + " schema, not Avro");
        }
    }

    /**
     * Parses a schema some producer registered. Defaults are not validated: only readers use them, and a
     * writer schema with a wrong default still describes its records exactly.
     */
    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().setValidateDefaults(false).parse(text);
        } catch (AvroRuntimeException e) {
            throw new SchemaRegistryException(Kind.INVALID_SCHEMA, -1,
                    "The registry's " + what + " is not a valid Avro schema: " + e.getMessage(), e);
        }
    }
}
