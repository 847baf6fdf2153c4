package dev.geoloc.processor.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A caller of {@code POST /v1/geotag}, as a platform's backend would be: one image per request, the answer as JSON. */
public final class GeotagClient {

    /** A status with its JSON body. */
    public record Answer(int status, JsonNode body, String retryAfter) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public GeotagClient(URL endpoint) {
        this.endpoint = URI.create(endpoint.toString());
    }

    /** The image file as the body, with a query such as {@code "image_id=a"} (or empty). */
    public Answer image(byte[] image, String query, String authorization) {
        return send(request(query).header("Content-Type", "image/jpeg"), HttpRequest.BodyPublishers.ofByteArray(image),
                authorization);
    }

    public Answer image(byte[] image, String query) {
        return image(image, query, null);
    }

    /** The JSON form, naming the image by URI. */
    public Answer json(String body) {
        return send(request("").header("Content-Type", "application/json"), HttpRequest.BodyPublishers.ofString(body),
                null);
    }

    private HttpRequest.Builder request(String query) {
        return HttpRequest.newBuilder(query.isEmpty() ? endpoint : URI.create(endpoint + "?" + query))
                .timeout(Duration.ofSeconds(60));
    }

    private Answer send(HttpRequest.Builder request, HttpRequest.BodyPublisher body, String authorization) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(request.POST(body).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), json, response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
