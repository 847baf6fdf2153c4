package dev.geoloc.processor.fetch;

import static dev.geoloc.processor.fetch.FetchException.Failure.URI_NOT_ALLOWED;
import static dev.geoloc.processor.fetch.FetchException.Failure.URI_TOO_LARGE;
import static dev.geoloc.processor.fetch.FetchException.Failure.URI_UNREACHABLE;
import static dev.geoloc.processor.fetch.LoopbackServer.redirect;
import static dev.geoloc.processor.fetch.LoopbackServer.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fetches against a real HTTP server on 127.0.0.1; nothing else is ever contacted. */
class ImageFetcherTest {

    /** http, with loopback allowed, as the server lives there. */
    private static final UriPolicy LOCAL = UriPolicy.DISABLED.withEnabled(true).withAllowedSchemes("http")
            .withAllowedNetworks("127.0.0.0/8");

    private static final byte[] IMAGE = randomBytes(100_000);

    private LoopbackServer server;
    private ImageFetcher fetcher;

    @BeforeEach
    void startServer() throws IOException {
        server = new LoopbackServer().on("/a.jpg", exchange -> respond(exchange, 200, IMAGE));
    }

    @AfterEach
    void stop() {
        if (fetcher != null) {
            fetcher.close();
        }
        server.close();
    }

    private ImageFetcher fetcher(UriPolicy policy) {
        fetcher = new ImageFetcher(policy, Resolvers.literalsOnly());
        return fetcher;
    }

    private FetchException failure(UriPolicy policy, String uri) {
        return catchThrowableOfType(FetchException.class, () -> fetcher(policy).fetch(uri));
    }

    @Test
    void anAllowedUriReturnsExactlyTheBytesServed() throws Exception {
        byte[] body = fetcher(LOCAL).fetch(server.url("/a.jpg"));

        assertThat(body).isEqualTo(IMAGE);
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aChunkedBodyUnderTheCapIsReturnedWhole() throws Exception {
        server.on("/chunked.jpg", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < IMAGE.length; i += 7_000) {
                    out.write(IMAGE, i, Math.min(7_000, IMAGE.length - i));
                    out.flush();
                }
            }
        });

        assertThat(fetcher(LOCAL).fetch(server.url("/chunked.jpg"))).isEqualTo(IMAGE);
    }

    @Test
    void aBodyOfExactlyMaxBytesIsAccepted() throws Exception {
        byte[] body = fetcher(LOCAL.withMaxBytes(IMAGE.length)).fetch(server.url("/a.jpg"));

        assertThat(body).hasSize(IMAGE.length);
    }

    @Test
    void loopbackIsRefusedByDefaultBeforeAnyConnection() {
        FetchException e = failure(UriPolicy.DISABLED.withEnabled(true).withAllowedSchemes("http"),
                server.url("/a.jpg"));

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).isEqualTo(server.url("/a.jpg") + " resolves to 127.0.0.1, a loopback address; "
                + "allow it with geoloc.uri.allowed-networks");
        assertThat(server.requests()).as("requests the server saw").isZero();
    }

    @Test
    void aContentLengthOverTheCapIsRefusedUnread() {
        FetchException e = failure(LOCAL.withMaxBytes(1_000), server.url("/a.jpg"));

        assertThat(e.failure()).isEqualTo(URI_TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo(server.url("/a.jpg") + " declares Content-Length 100000 bytes, over "
                + "the limit of 1000 bytes (geoloc.uri.max-bytes); not read");
    }

    @Test
    void aChunkedBodyOverTheCapIsCutOffWhileStreaming() throws Exception {
        long endless = 1L << 30;
        AtomicLong written = new AtomicLong();
        CompletableFuture<IOException> serverSaw = new CompletableFuture<>();
        server.on("/endless.jpg", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                while (written.get() < endless) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
                serverSaw.complete(null);
            } catch (IOException hungUp) {
                serverSaw.complete(hungUp);
            }
        });

        FetchException e = failure(LOCAL.withMaxBytes(1_000_000), server.url("/endless.jpg"));

        assertThat(e.failure()).isEqualTo(URI_TOO_LARGE);
        assertThat(e.getMessage()).isEqualTo(server.url("/endless.jpg") + " sent more than 1000000 bytes, the "
                + "limit (geoloc.uri.max-bytes); stopped reading");
        assertThat(serverSaw.get(10, TimeUnit.SECONDS)).as("the client hung up on the server").isNotNull();
        assertThat(written.get()).isLessThan(endless);
    }

    @Test
    void aRedirectToAnAllowedPathIsFollowed() throws Exception {
        server.on("/old/a.jpg", exchange -> redirect(exchange, 301, "/a.jpg"))
                .on("/dir/moved.jpg", exchange -> redirect(exchange, 307, "../a.jpg"));

        assertThat(fetcher(LOCAL).fetch(server.url("/old/a.jpg"))).isEqualTo(IMAGE);
        assertThat(fetcher.fetch(server.url("/dir/moved.jpg"))).as("relative Location").isEqualTo(IMAGE);
        assertThat(server.requests()).isEqualTo(4);
    }

    @Test
    void exactlyMaxRedirectsRedirectsAreFollowed() throws Exception {
        server.on("/hop/", exchange -> {
            int n = Integer.parseInt(exchange.getRequestURI().getPath().substring("/hop/".length()));
            redirect(exchange, 302, n == 1 ? "/a.jpg" : "/hop/" + (n - 1));
        });

        assertThat(fetcher(LOCAL.withMaxRedirects(3)).fetch(server.url("/hop/3"))).isEqualTo(IMAGE);
    }

    @Test
    void aRedirectChainLongerThanMaxRedirectsFails() {
        server.on("/loop/", exchange -> {
            int n = Integer.parseInt(exchange.getRequestURI().getPath().substring("/loop/".length()));
            redirect(exchange, 302, "/loop/" + (n + 1));
        });

        FetchException e = failure(LOCAL.withMaxRedirects(3), server.url("/loop/0"));

        assertThat(e.failure()).isEqualTo(URI_UNREACHABLE);
        assertThat(e.getMessage()).isEqualTo(server.url("/loop/3") + " redirected again after 3 redirects, the "
                + "limit (geoloc.uri.max-redirects=3)");
        assertThat(server.requests()).as("the first request and three redirects").isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://127.0.0.1/a.jpg", "https://127.0.0.1:%d/a.jpg",
            "jar:file:/tmp/x.jar!/a.jpg"})
    void aRedirectToARefusedSchemeIsNotFollowed(String target) {
        String location = target.formatted(server.port());
        server.on("/jump.jpg", exchange -> redirect(exchange, 302, location));

        FetchException e = failure(LOCAL, server.url("/jump.jpg"));

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).contains("(redirected from " + server.url("/jump.jpg") + ") uses scheme ");
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aRedirectToAHostOutsideTheAllowListIsNotFollowed() {
        // 127.0.0.2 is loopback too, and nothing listens there: even a wrong follow reaches nothing outside.
        server.on("/jump.jpg", exchange -> redirect(exchange, 302, "http://127.0.0.2:" + server.port() + "/a.jpg"));

        FetchException e = failure(LOCAL.withAllowedHosts("127.0.0.1"), server.url("/jump.jpg"));

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).isEqualTo("http://127.0.0.2:" + server.port() + "/a.jpg (redirected from "
                + server.url("/jump.jpg") + "): host 127.0.0.2 is not in geoloc.uri.allowed-hosts (127.0.0.1)");
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aRedirectToARefusedAddressIsNotFollowed() {
        server.on("/jump.jpg", exchange -> redirect(exchange, 303, "http://127.0.0.2:" + server.port() + "/a.jpg"));

        FetchException e = failure(LOCAL.withAllowedNetworks("127.0.0.1/32"), server.url("/jump.jpg"));

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).contains("resolves to 127.0.0.2, a loopback address");
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aRedirectCarryingUserinfoIsNotFollowed() {
        server.on("/jump.jpg", exchange -> redirect(exchange, 302, "http://admin:hunter2@127.0.0.1:" + server.port()
                + "/a.jpg"));

        FetchException e = failure(LOCAL, server.url("/jump.jpg"));

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).contains("userinfo").doesNotContain("admin").doesNotContain("hunter2");
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 500, 403, 304})
    void aNon2xxStatusIsUnreachableWithTheStatusAndNoQuery(int status) {
        server.on("/status.jpg", exchange -> respond(exchange, status, status == 304 ? new byte[0] : "nope".getBytes()));

        FetchException e = failure(LOCAL, server.url("/status.jpg?token=s3cret"));

        assertThat(e.failure()).isEqualTo(URI_UNREACHABLE);
        assertThat(e.getMessage()).isEqualTo(server.url("/status.jpg") + " answered HTTP " + status);
    }

    @Test
    void aRedirectWithoutLocationIsUnreachable() {
        server.on("/nowhere.jpg", exchange -> respond(exchange, 302, new byte[0]));

        FetchException e = failure(LOCAL, server.url("/nowhere.jpg"));

        assertThat(e.failure()).isEqualTo(URI_UNREACHABLE);
        assertThat(e.getMessage()).contains("answered HTTP 302 without a Location");
    }

    @Test
    void aClosedLoopbackPortIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(LoopbackServer.LOOPBACK, 0));
            closedPort = socket.getLocalPort();
        }

        FetchException e = failure(LOCAL, "http://127.0.0.1:" + closedPort + "/a.jpg");

        assertThat(e.failure()).isEqualTo(URI_UNREACHABLE);
        assertThat(e.getMessage()).startsWith("http://127.0.0.1:" + closedPort + "/a.jpg: could not connect");
    }

    @Test
    void aServerThatNeverAnswersFailsAtTheTotalTimeout() {
        server.on("/stall.jpg", exchange -> await(server));
        UriPolicy policy = LOCAL.withConnectTimeout(Duration.ofMillis(300)).withTotalTimeout(Duration.ofMillis(300));

        long start = System.nanoTime();
        FetchException e = failure(policy, server.url("/stall.jpg"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(e.failure()).isEqualTo(URI_UNREACHABLE);
        assertThat(e.getMessage()).isEqualTo(server.url("/stall.jpg")
                + ": not fetched within 300 ms (geoloc.uri.total-timeout)");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aBodyThatStallsHalfwayFailsAtTheTotalTimeout() {
        server.on("/slow.jpg", exchange -> {
            exchange.sendResponseHeaders(200, IMAGE.length);
            OutputStream out = exchange.getResponseBody();
            out.write(IMAGE, 0, 1_000);
            out.flush();
            await(server);
        });
        UriPolicy policy = LOCAL.withConnectTimeout(Duration.ofMillis(300)).withTotalTimeout(Duration.ofMillis(300));

        long start = System.nanoTime();
        FetchException e = failure(policy, server.url("/slow.jpg"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(e.failure()).isEqualTo(URI_UNREACHABLE);
        assertThat(e.getMessage()).contains("not fetched within 300 ms (geoloc.uri.total-timeout)");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void oneFetcherServesConcurrentFetches() throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] image = randomBytes(10_000 + i);
            images.add(image);
            server.on("/img" + i + ".jpg", exchange -> respond(exchange, 200, image));
        }
        ImageFetcher shared = fetcher(LOCAL);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < images.size(); i++) {
                    String uri = server.url("/img" + i + ".jpg");
                    results.add(pool.submit(() -> shared.fetch(uri)));
                }
            }

            for (int r = 0; r < results.size(); r++) {
                assertThat(results.get(r).get(10, TimeUnit.SECONDS)).isEqualTo(images.get(r % images.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedFetcherRefusesToWork() {
        ImageFetcher closed = fetcher(LOCAL);
        closed.close();

        assertThatThrownBy(() -> closed.fetch(server.url("/a.jpg"))).isInstanceOf(IllegalStateException.class);
        assertThat(server.requests()).isZero();
    }

    @Test
    void whenDisabledNothingIsContacted() {
        FetchException e = failure(LOCAL.withEnabled(false), server.url("/a.jpg"));

        assertThat(e.failure()).isEqualTo(URI_NOT_ALLOWED);
        assertThat(e.getMessage()).contains("geoloc.uri.enabled=true");
        assertThat(server.requests()).isZero();
    }

    private static void await(LoopbackServer server) {
        try {
            server.release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }
}
