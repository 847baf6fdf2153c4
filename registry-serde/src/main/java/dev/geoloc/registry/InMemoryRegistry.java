package dev.geoloc.registry;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.geoloc.registry.SchemaRegistryException.Kind;

/**
 * A registry in this process's memory, for {@code schema.registry.url=mock://<scope>}, as Confluent's serdes offer
 * one: a {@code TopologyTestDriver} test then runs in milliseconds with the real serde and client. Every client
 * naming a scope shares its registry. It registers, looks up, serves schemas by id and subjects' latest versions,
 * and answers unknown ids and subjects with Confluent's error codes; it enforces no compatibility rule (every
 * check passes), which is what a real registry is for.
 */
final class InMemoryRegistry implements RegistryTransport {

    static final String SCHEME = "mock";
    private static final Map<String, InMemoryRegistry> SCOPES = new ConcurrentHashMap<>();
    private static final String SUBJECTS = "/subjects/";
    private static final String IDS = "/schemas/ids/";

    private final ObjectMapper json = new ObjectMapper();
    /** Schema texts by id - 1. */
    private final List<String> schemas = new ArrayList<>();
    /** Each subject's schema ids, by version - 1. */
    private final Map<String, List<Integer>> subjects = new HashMap<>();

    static InMemoryRegistry scope(String name) {
        return SCOPES.computeIfAbsent(name, n -> new InMemoryRegistry());
    }

    @Override
    public synchronized JsonNode get(String path) {
        if (path.startsWith(IDS)) {
            int id = Integer.parseInt(path.substring(IDS.length()));
            if (id < 1 || id > schemas.size()) {
                throw new SchemaRegistryException(Kind.SCHEMA_NOT_FOUND, 40403, "Schema " + id + " not found");
            }
            return json.createObjectNode().put("schema", schemas.get(id - 1));
        }
        if (path.startsWith(SUBJECTS) && path.endsWith("/versions/latest")) {
            String subject = subject(path.substring(SUBJECTS.length(), path.length() - "/versions/latest".length()));
            List<Integer> versions = versions(subject);
            int id = versions.get(versions.size() - 1);
            return json.createObjectNode().put("subject", subject).put("version", versions.size()).put("id", id)
                    .put("schema", schemas.get(id - 1));
        }
        throw unsupported("GET", path);
    }

    @Override
    public synchronized JsonNode post(String path, JsonNode body) {
        String schema = body.path("schema").asText();
        if (path.startsWith("/compatibility/")) {
            return json.createObjectNode().put("is_compatible", true);
        }
        if (path.startsWith(SUBJECTS) && path.endsWith("/versions")) {
            String subject = subject(path.substring(SUBJECTS.length(), path.length() - "/versions".length()));
            int id = idOf(schema);
            if (id == 0) {
                schemas.add(schema);
                id = schemas.size();
            }
            List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
            if (!versions.contains(id)) {
                versions.add(id);
            }
            return json.createObjectNode().put("id", id);
        }
        if (path.startsWith(SUBJECTS)) {
            String subject = subject(path.substring(SUBJECTS.length()));
            List<Integer> versions = versions(subject);
            int id = idOf(schema);
            if (!versions.contains(id)) {
                throw new SchemaRegistryException(Kind.SCHEMA_NOT_FOUND, 40403, "Schema not found under " + subject);
            }
            ObjectNode answer = json.createObjectNode().put("subject", subject)
                    .put("version", versions.indexOf(id) + 1).put("id", id);
            return answer.put("schema", schema);
        }
        throw unsupported("POST", path);
    }

    @Override
    public ObjectMapper json() {
        return json;
    }

    /** The id of an identical schema text, or 0. */
    private int idOf(String schema) {
        return schemas.indexOf(schema) + 1;
    }

    private List<Integer> versions(String subject) {
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException(Kind.SUBJECT_NOT_FOUND, 40401, "Subject '" + subject + "' not found");
        }
        return versions;
    }

    private static String subject(String encoded) {
        return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
    }

    private static SchemaRegistryException unsupported(String method, String path) {
        return new SchemaRegistryException(Kind.REQUEST_FAILED, -1, method + " " + path
                + " is not served by the in-memory registry (mock://); use a real one");
    }
}
