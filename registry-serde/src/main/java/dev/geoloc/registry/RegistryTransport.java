package dev.geoloc.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How the client speaks the registry's REST API: over HTTP ({@link RegistryHttp}), or to a registry in this
 * process's memory ({@link InMemoryRegistry}, for {@code mock://} URLs). Refusals are {@link SchemaRegistryException}s
 * carrying Confluent's error codes either way.
 */
interface RegistryTransport {

    JsonNode get(String path);

    JsonNode post(String path, JsonNode body);

    ObjectMapper json();
}
