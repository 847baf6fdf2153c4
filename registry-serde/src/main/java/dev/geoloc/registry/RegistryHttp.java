package dev.geoloc.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.registry.SchemaRegistryException.Kind;

/**
 * JSON over HTTP to a Confluent-compatible registry: Confluent's media types, basic auth, fail-over across the
 * configured URLs, and retries with exponential back-off and jitter for network errors, 5xx and 429.
 */
final class RegistryHttp implements RegistryTransport {

    /** The longest answer read: a schema is kilobytes; Confluent's own limit on one is well under this. */
    static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, "
            + "application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final ObjectMapper json = new ObjectMapper();
    /** The URL that answered last: requests start there, so a dead URL costs only one fail-over. */
    private final AtomicInteger preferredUrl = new AtomicInteger();

    RegistryHttp(RegistryClientConfig config) {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (config.urls().stream().anyMatch(u -> "https".equals(u.getScheme()))) {
            builder.sslContext(TlsContexts.from(config.tls()));
        }
        this.http = builder.build();
        this.authorization = config.credentials().map(c -> "Basic " + Base64.getEncoder()
                .encodeToString((c.user() + ":" + c.password()).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    @Override
    public JsonNode post(String path, JsonNode body) {
        try {
            return send("POST", path, json.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads at most {@link #MAX_BODY_BYTES} of an answer, on the caller's thread: a schema is kilobytes, and a
     * gateway or a hostile server may send without end. A longer error page is cut (its first bytes say enough); a
     * longer success is refused.
     */
    private static String boundedBody(HttpResponse<InputStream> response) throws IOException {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length <= MAX_BODY_BYTES) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
            if (response.statusCode() / 100 == 2) {
                throw new SchemaRegistryException(Kind.SERVER_ERROR, -1, "The registry answered HTTP "
                        + response.statusCode() + " with more than " + MAX_BODY_BYTES + " bytes; no schema is that large");
            }
            return new String(bytes, 0, MAX_BODY_BYTES, StandardCharsets.UTF_8) + "... (cut)";
        }
    }

    @Override
    public ObjectMapper json() {
        return json;
    }

    /**
     * Sends the request to each URL in turn, starting with the one that answered last, for one round plus
     * {@code max.retries} more, backing off between rounds. A refusal (4xx other than 429) ends at once.
     */
    private JsonNode send(String method, String path, String body) {
        List<URI> urls = config.urls();
        int first = preferredUrl.get();
        Duration backoff = config.retryWait();
        Kind lastKind = Kind.UNREACHABLE;
        String lastProblem = "";
        int attempts = 0;
        for (int round = 0; round <= config.maxRetries(); round++) {
            if (round > 0) {
                sleep(jittered(backoff));
                backoff = min(backoff.multipliedBy(2), config.maxRetryWait());
            }
            for (int i = 0; i < urls.size(); i++) {
                int index = (first + i) % urls.size();
                URI uri = URI.create(urls.get(index) + path);
                attempts++;
                try {
                    HttpResponse<InputStream> response = http.send(request(method, uri, body),
                            HttpResponse.BodyHandlers.ofInputStream());
                    String text = boundedBody(response);
                    int status = response.statusCode();
                    if (status < 500 && status != 429) {
                        preferredUrl.set(index);  // it answered: healthy, even when it refuses
                    }
                    if (status / 100 == 2) {
                        return parse(method, uri, text);
                    }
                    SchemaRegistryException refusal = refusal(method, uri, response, text);
                    if (status < 500 && status != 429) {
                        throw refusal;
                    }
                    lastKind = Kind.SERVER_ERROR;
                    lastProblem = refusal.getMessage();
                } catch (SSLException e) {
                    if (causedByCertificate(e)) {
                        throw new SchemaRegistryException(Kind.TLS_FAILURE, -1, "TLS handshake with " + uri
                                + " failed (" + e.getMessage() + "): set " + RegistryClientConfig.TRUSTSTORE_LOCATION
                                + " to a truststore that holds the registry's certificate authority", e);
                    }
                    lastKind = Kind.TLS_FAILURE;
                    lastProblem = "TLS handshake failed (" + e.getMessage()
                            + "); check the schema.registry.ssl.* settings";
                } catch (IOException e) {
                    lastKind = Kind.UNREACHABLE;
                    lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SchemaRegistryException(Kind.UNREACHABLE, -1, "Interrupted during " + method + " " + uri, e);
                }
            }
        }
        throw new SchemaRegistryException(lastKind, -1, "Schema registry " + urls + " failed " + method + " " + path
                + " after " + attempts + " attempts; last: " + lastProblem);
    }

    /** An untrusted or invalid certificate: retrying cannot help, the configuration must change. */
    private static boolean causedByCertificate(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    private HttpRequest request(String method, URI uri, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(config.readTimeout())
                .header("Accept", ACCEPT);
        authorization.ifPresent(value -> request.header("Authorization", value));
        if (body == null) {
            return request.GET().build();
        }
        return request.header("Content-Type", CONTENT_TYPE)
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    private JsonNode parse(String method, URI uri, String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new SchemaRegistryException(Kind.REQUEST_FAILED, -1,
                    method + " " + uri + " answered something that is not JSON: " + abbreviate(body), e);
        }
    }

    private SchemaRegistryException refusal(String method, URI uri, HttpResponse<?> response, String body) {
        int status = response.statusCode();
        int errorCode = status;
        String message = abbreviate(body);
        if (status / 100 == 3) {
            // Redirects are not followed: a POST would silently turn into a GET.
            message = "redirected to " + response.headers().firstValue("Location").orElse("(no Location)")
                    + "; set " + RegistryClientConfig.URL + " to the registry's own URL";
        }
        try {
            JsonNode error = status / 100 == 3 ? null : json.readTree(body);
            if (error != null && error.has("error_code")) {
                errorCode = error.get("error_code").asInt(status);
                message = error.path("message").asText(message);
            }
        } catch (IOException notJson) {
            // keep the raw body as the message
        }
        Kind kind = SchemaRegistryException.kindOf(status, errorCode);
        return new SchemaRegistryException(kind, errorCode, "Schema registry answered " + status + " (" + kind
                + ", error code " + errorCode + ") to " + method + " " + uri + ": " + message);
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private static Duration jittered(Duration wait) {
        long millis = wait.toMillis();
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(Kind.UNREACHABLE, -1, "Interrupted while waiting to retry", e);
        }
    }
}
