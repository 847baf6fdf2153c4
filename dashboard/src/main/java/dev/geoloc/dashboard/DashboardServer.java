package dev.geoloc.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.geoloc.regions.Region;
import dev.geoloc.regions.RegionCatalog;

/**
 * The dashboard's web side, on the JDK's own HTTP server: the page and its script, the region catalog the map is
 * drawn from ({@code /api/catalog}), and {@code /events}, server-sent events carrying the figures at most
 * {@link #PUSHES_PER_SECOND} times a second, and only when they changed. Everything is served from here: no tiles,
 * fonts or scripts from elsewhere, so the map works offline.
 */
public final class DashboardServer implements AutoCloseable {

    static final int PUSHES_PER_SECOND = 4;
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final Map<String, String> PAGES = Map.of("/", "index.html", "/app.js", "app.js");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "dashboard-http");
        thread.setDaemon(true);
        return thread;
    });
    private final TopicReader reader;
    private volatile boolean open = true;

    private DashboardServer(HttpServer server, TopicReader reader) {
        this.server = server;
        this.reader = reader;
    }

    /**
     * Starts reading the topics and serving on {@code host:port} (0 for a free port).
     *
     * @param group the consumer group it reads in: one per dashboard
     */
    public static DashboardServer start(String bootstrapServers, String registryUrl, String group, RegionCatalog catalog,
                                        String host, int port) throws IOException {
        LiveFigures figures = new LiveFigures();
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        DashboardServer dashboard = new DashboardServer(server,
                new TopicReader(bootstrapServers, registryUrl, group, figures));
        server.setExecutor(dashboard.threads);
        byte[] catalogJson = catalogJson(catalog);
        server.createContext("/api/catalog", exchange -> respond(exchange, "application/json", catalogJson));
        server.createContext("/events", exchange -> dashboard.stream(exchange, figures));
        server.createContext("/", exchange -> page(exchange));
        server.start();
        return dashboard;
    }

    public URI url() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getHostString() + ":" + address.getPort() + "/");
    }

    private static void page(HttpExchange exchange) throws IOException {
        String resource = PAGES.get(exchange.getRequestURI().getPath());
        if (resource == null) {
            respond(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = DashboardServer.class.getResourceAsStream("/dashboard/" + resource)) {
            respond(exchange, resource.endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8", in.readAllBytes());
        }
    }

    /** Pushes the figures while the browser listens: when they changed, at most a few times a second. */
    private void stream(HttpExchange exchange, LiveFigures figures) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, 0);
        long sent = -1;
        long lastPush = 0;
        try (OutputStream out = exchange.getResponseBody()) {
            while (open) {
                long updates = figures.updates();
                long now = System.currentTimeMillis();
                if (updates != sent || now - lastPush > HEARTBEAT.toMillis()) {
                    byte[] event = ("data: " + JSON.writeValueAsString(figures.snapshot(now)) + "\n\n")
                            .getBytes(StandardCharsets.UTF_8);
                    out.write(event);
                    out.flush();
                    sent = updates;
                    lastPush = now;
                }
                Thread.sleep(1000 / PUSHES_PER_SECOND);
            }
        } catch (IOException gone) {
            // the browser closed the page
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] catalogJson(RegionCatalog catalog) throws IOException {
        ArrayNode regions = JSON.createArrayNode();
        for (Region region : catalog.regions()) {
            regions.addObject().put("id", region.id()).put("name", region.name())
                    .put("south", region.bbox().south()).put("west", region.bbox().west())
                    .put("north", region.bbox().north()).put("east", region.bbox().east())
                    .put("lat", region.center().latitude()).put("lon", region.center().longitude());
        }
        return JSON.writeValueAsBytes(regions);
    }

    private static void respond(HttpExchange exchange, String type, byte[] body) throws IOException {
        respond(exchange, 200, type, body);
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        server.stop(0);
        reader.close();
        threads.shutdownNow();
    }
}
