package dev.geoloc.trainer.collect;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.geoloc.regions.Geodesy;
import dev.geoloc.regions.LatLon;

/**
 * A local HTTP server that answers like the Street View Static API, over a deterministic fake world: by
 * default every point has its own panorama 5 m north of it; tests script other answers for chosen points
 * (no panorama, a panorama farther than the radius, a panorama shared by two points) and inject faults
 * (HTTP 429/500/403, OVER_QUERY_LIMIT, REQUEST_DENIED, a slow answer). It counts every request.
 */
final class FakeStreetView implements AutoCloseable {

    /** Holds characters that URL encoding changes, so redaction of the encoded form is exercised too. */
    static final String KEY = "AIzaFAKE+key/0123456789";
    static final byte[] JPEG = jpeg();

    enum Fault { HTTP_429, HTTP_500, HTTP_403, OVER_QUERY_LIMIT, UNKNOWN_ERROR, REQUEST_DENIED, SLOW }

    /** A metadata answer: a status, and for OK a panorama. */
    record Answer(MetadataStatus status, String panoId, LatLon location) {
        static Answer none() {
            return new Answer(MetadataStatus.ZERO_RESULTS, null, null);
        }

        static Answer panorama(String panoId, LatLon location) {
            return new Answer(MetadataStatus.OK, panoId, location);
        }
    }

    static {
        // Without it the server sends headers and body in two packets and Nagle's algorithm holds the second
        // back for the client's delayed ACK: 40 ms per request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Answer> scripted = new ConcurrentHashMap<>();
    private final Queue<Fault> metadataFaults = new ArrayDeque<>();
    private final Queue<Fault> imageFaults = new ArrayDeque<>();
    private volatile Outage metadataOutage = Outage.NONE;
    private volatile Outage imageOutage = Outage.NONE;
    private volatile boolean everyPointEmpty;
    private final AtomicInteger metadataRequests = new AtomicInteger();
    private final AtomicInteger imageRequestCount = new AtomicInteger();
    private final Map<String, AtomicInteger> imageRequests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> imagesServed = new ConcurrentHashMap<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();

    FakeStreetView() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/maps/api/streetview", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/maps/api/streetview");
    }

    // ---- the world

    void answer(LatLon point, Answer answer) {
        scripted.put(key(point), answer);
    }

    /** Unscripted points get ZERO_RESULTS instead of a panorama of their own. */
    void everyPointEmpty() {
        everyPointEmpty = true;
    }

    /** The panorama the fake puts near an unscripted point. */
    static Answer defaultPanorama(LatLon point) {
        return Answer.panorama("pano-" + key(point).replace(",", "_"), Geodesy.destination(point, 0, 0.005));
    }

    // ---- faults

    /** The next metadata requests fail like this, one fault each, in order. */
    synchronized void failMetadata(Fault... faults) {
        Collections.addAll(metadataFaults, faults);
    }

    synchronized void failImages(Fault... faults) {
        Collections.addAll(imageFaults, faults);
    }

    /** From now on every metadata request fails like this, until {@link #recover()}. */
    void metadataOutage(Fault fault) {
        metadataOutageAfter(metadataRequests(), fault);
    }

    /** Once {@code requests} metadata requests have been made in all, the next ones fail like this. */
    void metadataOutageAfter(int requests, Fault fault) {
        metadataOutage = new Outage(requests, fault);
    }

    /** Once {@code requests} image requests have been made in all, the next ones fail like this. */
    void imageOutageAfter(int requests, Fault fault) {
        imageOutage = new Outage(requests, fault);
    }

    void recover() {
        metadataOutage = Outage.NONE;
        imageOutage = Outage.NONE;
    }

    private record Outage(int after, Fault fault) {
        static final Outage NONE = new Outage(Integer.MAX_VALUE, null);
    }

    // ---- what was asked

    int metadataRequests() {
        return metadataRequests.get();
    }

    int imageRequests() {
        return imageRequestCount.get();
    }

    /** Image requests per panorama and heading ({@code pano@heading}), failed ones included. */
    Map<String, Integer> imageRequestsByImage() {
        return snapshot(imageRequests);
    }

    /** Images actually delivered (HTTP 200) per panorama and heading: what Google would bill. */
    Map<String, Integer> imagesServed() {
        return snapshot(imagesServed);
    }

    private static Map<String, Integer> snapshot(Map<String, AtomicInteger> counters) {
        Map<String, Integer> counts = new HashMap<>();
        counters.forEach((image, count) -> counts.put(image, count.get()));
        return counts;
    }

    List<String> queries() {
        return List.copyOf(queries);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- the server

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            queries.add(query);
            Map<String, String> params = parse(query);
            boolean metadata = exchange.getRequestURI().getPath().endsWith("/metadata");
            String image = params.get("pano") + "@" + params.get("heading");
            int earlier;
            if (metadata) {
                earlier = metadataRequests.getAndIncrement();
            } else {
                earlier = imageRequestCount.getAndIncrement();
                imageRequests.computeIfAbsent(image, k -> new AtomicInteger()).incrementAndGet();
            }
            Fault fault = nextFault(metadata, earlier);
            if (!KEY.equals(params.get("key"))) {
                fault = Fault.REQUEST_DENIED;
            }
            if (fault == Fault.SLOW) {
                sleep(1500);
                fault = null;
            }
            if (fault != null && respondWithFault(exchange, fault, metadata)) {
                return;
            }
            if (metadata) {
                respond(exchange, 200, "application/json", metadataJson(params));
            } else {
                // Counted before answering, so that a test reading the count after its request sees it.
                imagesServed.computeIfAbsent(image, k -> new AtomicInteger()).incrementAndGet();
                respond(exchange, 200, "image/jpeg", JPEG);
            }
        }
    }

    /** A queued fault, else the outage's fault once {@code earlier} requests of the kind have been made. */
    private synchronized Fault nextFault(boolean metadata, int earlier) {
        Fault queued = (metadata ? metadataFaults : imageFaults).poll();
        if (queued != null) {
            return queued;
        }
        Outage outage = metadata ? metadataOutage : imageOutage;
        return earlier >= outage.after() ? outage.fault() : null;
    }

    /** Sends the fault's answer; false when the fault has no form for this endpoint. */
    private static boolean respondWithFault(HttpExchange exchange, Fault fault, boolean metadata) throws IOException {
        switch (fault) {
            case HTTP_429 -> respond(exchange, 429, "text/plain", "Too Many Requests".getBytes(StandardCharsets.UTF_8));
            case HTTP_500 -> respond(exchange, 500, "text/plain", "Internal error".getBytes(StandardCharsets.UTF_8));
            case HTTP_403 -> respond(exchange, 403, "text/plain",
                    "The Google Maps Platform server rejected your request.".getBytes(StandardCharsets.UTF_8));
            case OVER_QUERY_LIMIT, UNKNOWN_ERROR, REQUEST_DENIED -> {
                if (!metadata) {
                    // The image endpoint speaks HTTP status codes, not JSON statuses.
                    int code = fault == Fault.REQUEST_DENIED ? 403 : fault == Fault.OVER_QUERY_LIMIT ? 429 : 500;
                    respond(exchange, code, "text/plain", fault.name().getBytes(StandardCharsets.UTF_8));
                } else {
                    String message = fault == Fault.REQUEST_DENIED
                            ? ",\"error_message\":\"The provided API key is invalid.\"" : "";
                    respond(exchange, 200, "application/json",
                            ("{\"status\":\"" + fault + "\"" + message + "}").getBytes(StandardCharsets.UTF_8));
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private byte[] metadataJson(Map<String, String> params) {
        String[] latLng = params.get("location").split(",");
        LatLon point = new LatLon(Double.parseDouble(latLng[0]), Double.parseDouble(latLng[1]));
        Answer answer = scripted.getOrDefault(key(point), everyPointEmpty ? Answer.none() : defaultPanorama(point));
        String json = answer.status() != MetadataStatus.OK
                ? "{\"status\":\"" + answer.status() + "\"}"
                : String.format(Locale.ROOT, "{\"copyright\":\"© Fake\",\"date\":\"2019-05\",\"location\":"
                        + "{\"lat\":%.7f,\"lng\":%.7f},\"pano_id\":\"%s\",\"status\":\"OK\"}",
                answer.location().latitude(), answer.location().longitude(), answer.panoId());
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
    }

    private static Map<String, String> parse(String query) {
        Map<String, String> params = new HashMap<>();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    static String key(LatLon point) {
        return String.format(Locale.ROOT, "%.6f,%.6f", point.latitude(), point.longitude());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] jpeg() {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 16; x++) {
            for (int y = 0; y < 16; y++) {
                image.setRGB(x, y, new Color(x * 16, y * 16, 128).getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
