package dev.geoloc.registry;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.geoloc.registry.SchemaRegistryException.Kind;

/**
 * A client of the Confluent Schema Registry REST API (v1), for Avro schemas. It works against Confluent
 * Schema Registry, Apicurio's {@code /apis/ccompat/v7}, Karapace and Redpanda.
 *
 * <p>Ids are immutable, so schemas by id and ids by (subject, schema) are cached for the client's lifetime:
 * a serializer calls the registry once per schema, a deserializer once per writer schema id. Latest versions
 * and compatibility checks always ask the registry. Thread-safe.
 */
public final class SchemaRegistryClient {

    private final RegistryHttp http;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> registeredIds = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> lookedUpIds = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }

    public SchemaRegistryClient(RegistryClientConfig config) {
        this.http = new RegistryHttp(config);
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
     * @throws SchemaRegistryException {@code SCHEMA_NOT_FOUND} when the registry has no such id
     */
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = http.get("/schemas/ids/" + id);
        requireAvro(answer, "schema id " + id);
        if (!answer.path("references").isEmpty()) {
            throw new SchemaRegistryException(Kind.INVALID_SCHEMA, -1, "Schema id " + id
                    + " uses schema references, which this client does not resolve");
        }
        Schema schema = parse(answer.path("schema").asText(), "schema id " + id);
        schemasById.putIfAbsent(id, schema);
        return schema;
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
