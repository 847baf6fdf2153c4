package dev.geoloc.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * A reverse proxy in front of the real registry, playing the parts a deployment puts there: HTTPS (optionally
 * with client certificates), basic auth, and failures. It counts the requests that reach it.
 */
public final class RegistryGateway implements AutoCloseable {

    private final HttpServer server;
    private final String upstream;
    private final String expectedAuthorization;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final java.util.Queue<Answer> injected = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** An answer given instead of the registry's. */
    private record Answer(int status, String location, String body) {
    }

    private RegistryGateway(HttpServer server, String upstream, String user, String password) {
        this.server = server;
        this.upstream = upstream;
        this.expectedAuthorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        server.createContext("/", this::handle);
        server.start();
    }

    /** Plain HTTP, no authentication. */
    public static RegistryGateway plain(String upstream) throws IOException {
        return new RegistryGateway(HttpServer.create(loopback(), 0), upstream, null, null);
    }

    /** HTTPS with the server's certificate, requiring basic auth and, optionally, a client certificate. */
    public static RegistryGateway secured(String upstream, SSLContext tls, boolean needClientCertificate,
            String user, String password) throws IOException {
        HttpsServer server = HttpsServer.create(loopback(), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = tls.getDefaultSSLParameters();
                parameters.setNeedClientAuth(needClientCertificate);
                params.setSSLParameters(parameters);
            }
        });
        return new RegistryGateway(server, upstream, user, password);
    }

    public String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code count} requests get HTTP 503 without reaching the registry. */
    public void failNext(int count) {
        for (int i = 0; i < count; i++) {
            injected.add(new Answer(503, null, "{\"error_code\":50003,\"message\":\"Injected failure\"}"));
        }
    }

    /** The next request gets this answer instead of the registry's, as another registry might give it. */
    public void answerNext(int status, String body) {
        injected.add(new Answer(status, null, body));
    }

    /** The next request is redirected to {@code location}. */
    public void redirectNext(String location) {
        injected.add(new Answer(307, location, ""));
    }

    /** How many requests arrived for {@code "METHOD /path"}, e.g. {@code "GET /schemas/ids/1"}. */
    public int requests(String methodAndPathPrefix) {
        return requests.entrySet().stream()
                .filter(e -> e.getKey().startsWith(methodAndPathPrefix))
                .mapToInt(e -> e.getValue().get())
                .sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            requests.computeIfAbsent(exchange.getRequestMethod() + " " + target, k -> new AtomicInteger())
                    .incrementAndGet();
            if (expectedAuthorization != null
                    && !expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
                return;
            }
            Answer answer = injected.poll();
            if (answer != null) {
                if (answer.location() != null) {
                    exchange.getResponseHeaders().set("Location", answer.location());
                }
                respond(exchange, answer.status(), answer.body());
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(upstream + target))
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String header : List.of("Content-Type", "Accept")) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    forward.header(header, value);
                }
            }
            HttpResponse<String> upstreamAnswer = http.send(forward.build(), HttpResponse.BodyHandlers.ofString());
            respond(exchange, upstreamAnswer.statusCode(), upstreamAnswer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
