package dev.geoloc.trainer.collect;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.geoloc.regions.LatLon;

/**
 * The two Street View Static API calls the collector makes: metadata for a point (free) and one image of a
 * panorama at a heading (billed). Every request waits for the rate limiter; HTTP 429 and 5xx, timeouts,
 * connection failures, {@code OVER_QUERY_LIMIT} and {@code UNKNOWN_ERROR} are retried with backoff;
 * {@code REQUEST_DENIED}, {@code INVALID_REQUEST} and other 4xx fail at once. The key travels only in the
 * request URL; every message this class builds has it replaced by {@code REDACTED}.
 */
public final class StreetViewClient {

    /** Google's endpoint; metadata lives under {@code /metadata}. */
    public static final URI GOOGLE = URI.create("https://maps.googleapis.com/maps/api/streetview");
    private static final String REDACTED = "REDACTED";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param baseUrl        the image endpoint; metadata is {@code baseUrl + "/metadata"}
     * @param requestTimeout for connecting and for the whole answer of one request
     */
    public record Settings(URI baseUrl, String apiKey, Duration requestTimeout, RetryPolicy retry,
                           ImageSize size, int fov) {
        public Settings {
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException("an API key is required");
            }
            if (fov < 10 || fov > 120) {
                throw new IllegalArgumentException("field of view " + fov + " must be between 10 and 120 degrees");
            }
        }

        @Override
        public String toString() {
            return "Settings[baseUrl=" + baseUrl + ", apiKey=" + REDACTED + ", requestTimeout=" + requestTimeout
                    + ", retry=" + retry + ", size=" + size + ", fov=" + fov + "]";
        }
    }

    private final Settings settings;
    private final String base;
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final HttpClient http;
    private final RateLimiter rateLimiter;
    private final Sleeper backoffSleeper;
    private final RandomGenerator jitter;
    private final AtomicLong requests = new AtomicLong();

    public StreetViewClient(Settings settings, RateLimiter rateLimiter, Sleeper backoffSleeper, RandomGenerator jitter) {
        this.settings = settings;
        String url = settings.baseUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.rateLimiter = rateLimiter;
        this.backoffSleeper = backoffSleeper;
        this.jitter = jitter;
    }

    /** HTTP requests sent so far, retries included. */
    public long requests() {
        return requests.get();
    }

    /** The panorama nearest to {@code point} within {@code radiusMetres}, outdoor imagery only. */
    public PanoramaMetadata metadata(LatLon point, double radiusMetres) throws StreetViewException, InterruptedException {
        URI uri = URI.create(base + "/metadata?location=" + coordinates(point)
                + "&radius=" + Math.round(radiusMetres) + "&source=outdoor&key=" + encode(settings.apiKey()));
        return send(uri, "metadata for " + point, answer -> {
            JsonNode body = readJson(answer.body(), uri);
            String text = body.path("status").asText("");
            MetadataStatus status;
            try {
                status = MetadataStatus.valueOf(text);
            } catch (IllegalArgumentException e) {
                throw new StreetViewException("Unexpected metadata status '" + redact(text) + "' from " + redact(uri));
            }
            String detail = body.hasNonNull("error_message") ? ": " + redact(body.get("error_message").asText()) : "";
            if (status.fatal()) {
                throw new StreetViewException("Street View refused the request (" + status + detail + ") for "
                        + redact(uri) + (status == MetadataStatus.REQUEST_DENIED
                        ? ". Check the API key and that the Street View Static API is enabled for it." : ""));
            }
            if (status.transientError()) {
                throw new TransientFailure(status + detail);
            }
            if (status != MetadataStatus.OK) {
                return PanoramaMetadata.none(status);
            }
            JsonNode location = body.path("location");
            if (!body.hasNonNull("pano_id") || !location.path("lat").isNumber() || !location.path("lng").isNumber()) {
                throw new StreetViewException("Metadata answer OK without pano_id or location from " + redact(uri));
            }
            return PanoramaMetadata.found(body.get("pano_id").asText(),
                    new LatLon(location.get("lat").asDouble(), location.get("lng").asDouble()),
                    body.hasNonNull("date") ? body.get("date").asText() : null);
        });
    }

    /** One image of the panorama at {@code heading} degrees, level (pitch 0): the JPEG bytes. */
    public byte[] image(String panoId, int heading) throws StreetViewException, InterruptedException {
        URI uri = URI.create(base + "?size=" + settings.size() + "&pano=" + encode(panoId) + "&heading=" + heading
                + "&pitch=0&fov=" + settings.fov() + "&key=" + encode(settings.apiKey()));
        return send(uri, "image of panorama " + panoId + " at heading " + heading, answer -> {
            String type = answer.headers().firstValue("Content-Type").orElse("");
            if (!type.startsWith("image/")) {
                throw new StreetViewException("Expected an image but got '" + type + "' from " + redact(uri)
                        + ": " + snippet(answer.body()));
            }
            return answer.body();
        });
    }

    /** Reads a 200 answer into a result, or says it failed for now ({@link TransientFailure}) or for good. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(Answer answer) throws TransientFailure, StreetViewException;
    }

    /** A 200 answer, its body read within the size cap. */
    private record Answer(java.net.http.HttpHeaders headers, byte[] body) {
    }

    /** A failure worth retrying; it never leaves this class. */
    private static final class TransientFailure extends Exception {
        TransientFailure(String reason) {
            super(reason, null, false, false);
        }
    }

    private <T> T send(URI uri, String what, Reader<T> reader) throws StreetViewException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(settings.requestTimeout()).GET().build();
        RetryPolicy retry = settings.retry();
        for (int attempt = 0; ; attempt++) {
            String failure;
            rateLimiter.acquire();
            requests.incrementAndGet();
            try {
                HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                Answer answer = new Answer(response.headers(), readCapped(response.body(), uri));
                int code = response.statusCode();
                if (code == 200) {
                    return reader.read(answer);
                }
                if (code != 429 && code < 500) {
                    throw new StreetViewException("HTTP " + code + " for " + what + " from " + redact(uri) + ": "
                            + snippet(answer.body()) + (code == 403 ? " (check the API key)" : ""));
                }
                failure = "HTTP " + code;
            } catch (TransientFailure e) {
                failure = e.getMessage();
            } catch (StreetViewException e) {
                throw e; // a refusal for good, not one of the I/O failures below
            } catch (IOException e) {
                // Timeouts, refused or reset connections. The JDK's messages do not carry the URL, but stay safe.
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + redact(e.getMessage()));
            }
            if (attempt >= retry.maxRetries()) {
                throw new StreetViewException("Giving up on " + what + " after " + (attempt + 1) + " tries; last: "
                        + failure + " from " + redact(uri)
                        + (failure.startsWith(MetadataStatus.OVER_QUERY_LIMIT.name()) || failure.equals("HTTP 429")
                        ? ". The quota is exhausted or the rate too high: lower --rate or wait, then resume." : ""));
            }
            backoffSleeper.sleep(retry.backoff(attempt, jitter));
        }
    }

    /**
     * Reads a response body of at most {@link #MAX_BODY_BYTES}: a 640x640 JPEG is about 100 KB, so anything
     * far larger is a misbehaving server, not an image worth the memory.
     */
    private byte[] readCapped(java.io.InputStream in, URI uri) throws IOException, StreetViewException {
        try (in) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new StreetViewException("An answer of more than " + MAX_BODY_BYTES + " bytes from " + redact(uri)
                        + ": not the Street View API");
            }
            return body;
        }
    }

    private JsonNode readJson(byte[] body, URI uri) throws StreetViewException {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new StreetViewException("Metadata answer is not JSON from " + redact(uri) + ": " + snippet(body));
        }
    }

    private String snippet(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return redact(text.strip());
    }

    /** The text with the key, raw or URL-encoded, replaced. */
    String redact(Object text) {
        String key = settings.apiKey();
        return String.valueOf(text).replace(encode(key), REDACTED).replace(key, REDACTED);
    }

    private static String coordinates(LatLon point) {
        return String.format(Locale.ROOT, "%.7f,%.7f", point.latitude(), point.longitude());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
