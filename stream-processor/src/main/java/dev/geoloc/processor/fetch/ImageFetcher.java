package dev.geoloc.processor.fetch;

import static dev.geoloc.processor.fetch.FetchException.Failure.URI_NOT_ALLOWED;
import static dev.geoloc.processor.fetch.FetchException.Failure.URI_TOO_LARGE;
import static dev.geoloc.processor.fetch.FetchException.Failure.URI_UNREACHABLE;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;

import dev.geoloc.processor.fetch.FetchException.Failure;

/**
 * Fetches an image named by URI, under a {@link UriPolicy}, so that a URI in an event cannot be used to reach
 * the internal network (SSRF). Before any connection, and again for every redirect hop, it checks the scheme, the
 * host against the allow-list, that there is no userinfo, and that every address the host resolves to is public or
 * inside {@code geoloc.uri.allowed-networks}. Redirects are followed here, not by HttpClient, so each hop is checked;
 * the body is capped at {@code maxBytes} while it streams; {@code totalTimeout} bounds the whole fetch.
 *
 * <p><b>Residual risk: DNS rebinding.</b> The addresses are checked by one lookup and java.net.http then does its
 * own lookup to connect; on Java 17 it offers no way to connect to the address that was checked (no resolver
 * hook, and pinning an IP in the URI breaks TLS name checks). A host whose DNS answers a public address to the
 * check and an internal one to the connect gets through. The JVM's address cache ({@code networkaddress.cache.ttl},
 * 30 s by default) usually answers both lookups alike, but not reliably (expiry in between, or a TTL of 0). So this
 * class is one layer, not the boundary: a deployment that turns fetching on should also deny the processor egress
 * to internal ranges and metadata endpoints at the network (Kubernetes NetworkPolicy, security groups, or an egress
 * proxy that enforces the same rules), and keep {@code allowed-hosts} to hosts it trusts.
 *
 * <p>Proxies are not used (HttpClient connects directly), so the checked host is the one connected to.
 * Thread-safe and reusable; {@link #close()} stops its threads. A fetcher for a disabled policy starts none.
 */
public final class ImageFetcher implements AutoCloseable {

    /** Host name to addresses; the real one is {@link InetAddress#getAllByName}. Tests substitute it. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final int MAX_SHOWN_URI = 200;

    private final UriPolicy policy;
    private final Resolver resolver;
    private final ExecutorService executor;
    private final HttpClient client;
    private volatile boolean closed;

    public ImageFetcher(UriPolicy policy) {
        this(policy, InetAddress::getAllByName);
    }

    ImageFetcher(UriPolicy policy, Resolver resolver) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        if (policy.enabled()) {
            AtomicInteger n = new AtomicInteger();
            this.executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "geoloc-uri-fetch-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.client = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .proxy(HttpClient.Builder.NO_PROXY)
                    .connectTimeout(policy.connectTimeout())
                    .executor(executor)
                    .build();
        } else {
            this.executor = null;
            this.client = null;
        }
    }

    public UriPolicy policy() {
        return policy;
    }

    /**
     * Fetches the body of {@code uri}, following up to {@code maxRedirects} redirects, each checked like the first.
     *
     * @return the body's bytes, exactly as sent, of any 2xx status
     * @throws FetchException when the policy refuses the URI or a redirect, the body is too large, or no 2xx
     *                        response arrives within {@code totalTimeout}
     */
    public byte[] fetch(String uri) throws FetchException {
        long deadline = System.nanoTime() + policy.totalTimeout().toNanos();
        URI current = checked(uri, deadline);
        for (int redirects = 0;; redirects++) {
            String subject = shown(current);
            HttpResponse<byte[]> response = send(current, subject, deadline);
            int status = response.statusCode();
            if (status / 100 == 2) {
                return response.body();
            }
            if (!isRedirect(status)) {
                throw new FetchException(URI_UNREACHABLE, subject + " answered HTTP " + status);
            }
            Optional<String> location = response.headers().firstValue("location");
            if (location.isEmpty()) {
                throw new FetchException(URI_UNREACHABLE,
                        subject + " answered HTTP " + status + " without a Location to redirect to");
            }
            if (redirects == policy.maxRedirects()) {
                throw new FetchException(URI_UNREACHABLE, subject + " redirected again after "
                        + policy.maxRedirects() + " redirects, the limit (" + UriPolicy.MAX_REDIRECTS_KEY + "="
                        + policy.maxRedirects() + ")");
            }
            URI next = redirectTarget(current, subject, status, location.get());
            current = checkHop(next, current, deadline);
        }
    }

    /**
     * Runs every check {@link #fetch} runs before connecting (fetching on, scheme, userinfo, host, and every
     * address the host resolves to), without connecting. Resolving a host name does query DNS.
     *
     * @return the URI that would be requested: normalized, without fragment
     */
    public URI check(String uri) throws FetchException {
        return checked(uri, System.nanoTime() + policy.totalTimeout().toNanos());
    }

    /**
     * Stops the fetcher's threads; fetches in flight fail, later calls throw IllegalStateException. (Java 17's
     * HttpClient has no close; its selector thread ends once the client is garbage.)
     */
    @Override
    public void close() {
        closed = true;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private URI checked(String raw, long deadline) throws FetchException {
        if (closed) {
            throw new IllegalStateException("ImageFetcher is closed");
        }
        if (!policy.enabled()) {
            throw new FetchException(URI_NOT_ALLOWED, shownRaw(raw) + " was not fetched: fetching images by URI "
                    + "is off; turn it on with " + UriPolicy.ENABLED_KEY + "=true");
        }
        if (raw == null || raw.isEmpty()) {
            throw new FetchException(URI_NOT_ALLOWED, "The image URI is empty");
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            // Not e.getMessage(): it repeats the whole input, query and userinfo included.
            throw new FetchException(URI_NOT_ALLOWED, shownRaw(raw) + " is not a valid URI: " + e.getReason()
                    + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
        }
        return checkHop(uri, null, deadline);
    }

    private URI checkHop(URI uri, URI redirectedFrom, long deadline) throws FetchException {
        String subject = shown(uri) + (redirectedFrom == null ? "" : " (redirected from " + shown(redirectedFrom)
                + ")");
        if (!uri.isAbsolute()) {
            throw notAllowed(subject + " is not an absolute URI; give scheme and host, "
                    + "e.g. https://images.example.com/a.jpg");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!UriPolicy.FETCHABLE_SCHEMES.contains(scheme)) {
            throw notAllowed(subject + " uses scheme " + scheme + ", which is never fetched; only http and https "
                    + "can be allowed (" + UriPolicy.ALLOWED_SCHEMES_KEY + ")");
        }
        if (!policy.allowedSchemes().contains(scheme)) {
            throw notAllowed(subject + " uses scheme " + scheme + ", which is not allowed; add it to "
                    + UriPolicy.ALLOWED_SCHEMES_KEY + " (now " + String.join(",", new TreeSet<>(
                            policy.allowedSchemes())) + ")");
        }
        String authority = uri.getRawAuthority();
        if (uri.isOpaque() || authority == null || authority.isEmpty()) {
            throw notAllowed(subject + " has no host");
        }
        if (uri.getRawUserInfo() != null || authority.indexOf('@') >= 0) {
            throw notAllowed(subject + " carries userinfo (user:password@ before the host); credentials in image "
                    + "URIs are refused");
        }
        String host = hostOf(uri);
        if (host.isEmpty()) {
            throw notAllowed(subject + " has no host");
        }
        if (host.indexOf('%') >= 0) {
            throw notAllowed(subject + " names an IPv6 zone (%...); zones are not accepted in image URIs");
        }
        if (host.indexOf(':') < 0) {
            AddressRules.Numeric numeric = AddressRules.numericHost(host);
            if (numeric != null && !numeric.canonical()) {
                throw notAllowed(numeric.value() == null
                        ? subject + " has host " + host + ", which is neither a host name nor an IPv4 address"
                        : nonCanonical(subject, host, numeric));
            }
        }
        if (uri.getHost() == null) {
            throw notAllowed(subject + " has host " + host + ", which is not a valid host name (write "
                    + "internationalized names in punycode)");
        }
        if (!policy.hostAllowed(host.endsWith(".") ? host.substring(0, host.length() - 1) : host)) {
            throw notAllowed(subject + ": host " + host + " is not in " + UriPolicy.ALLOWED_HOSTS_KEY + " ("
                    + String.join(",", new TreeSet<>(policy.allowedHosts())) + ")");
        }
        InetAddress[] addresses = resolve(host, subject, deadline);
        for (InetAddress address : addresses) {
            Optional<String> why = policy.whyRefused(address);
            if (why.isPresent()) {
                String among = addresses.length == 1 ? "" : " (one of " + Arrays.stream(addresses)
                        .map(AddressRules::text).collect(Collectors.joining(", ")) + ")";
                throw notAllowed(subject + " resolves to " + AddressRules.text(address) + among + ", "
                        + why.get() + "; allow it with " + UriPolicy.ALLOWED_NETWORKS_KEY);
            }
        }
        return withoutFragment(uri);
    }

    private String nonCanonical(String subject, String host, AddressRules.Numeric numeric) {
        String dotted = numeric.value().getHostAddress();
        return subject + " writes the IPv4 address " + dotted + " as " + host
                + "; only the plain a.b.c.d form is accepted, as parsers disagree on the others"
                + policy.whyRefused(numeric.value()).map(kind -> ", and " + dotted + " is " + kind).orElse("");
    }

    private InetAddress[] resolve(String host, String subject, long deadline) throws FetchException {
        Future<InetAddress[]> lookup;
        try {
            lookup = executor.submit(() -> resolver.resolve(host));
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("ImageFetcher is closed", e);
        }
        try {
            InetAddress[] addresses = lookup.get(remaining(subject, deadline), TimeUnit.NANOSECONDS);
            if (addresses == null || addresses.length == 0) {
                throw new FetchException(URI_UNREACHABLE, subject + ": host " + host + " has no addresses");
            }
            return addresses;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException) {
                throw new FetchException(URI_UNREACHABLE, subject + ": host " + host + " does not resolve");
            }
            throw new FetchException(URI_UNREACHABLE, subject + ": resolving " + host + " failed: "
                    + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw totalTimeout(subject);
        } catch (InterruptedException e) {
            lookup.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchException(URI_UNREACHABLE, subject + ": interrupted while resolving " + host);
        }
    }

    private HttpResponse<byte[]> send(URI uri, String subject, long deadline) throws FetchException {
        long left = remaining(subject, deadline);
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofNanos(left)).build();
        CompletableFuture<HttpResponse<byte[]>> response = client.sendAsync(request, this::body);
        try {
            // HttpRequest.timeout stops at the headers; this bounds the body as well.
            return response.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            response.cancel(true);
            throw totalTimeout(subject);
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchException(URI_UNREACHABLE, subject + ": interrupted");
        } catch (ExecutionException e) {
            throw failed(subject, e.getCause());
        }
    }

    private BodySubscriber<byte[]> body(ResponseInfo info) {
        if (info.statusCode() / 100 != 2) {
            // Redirects and errors: only the status and headers matter, so don't read what may be endless.
            return new NoBody(null);
        }
        long declared;
        try {
            declared = info.headers().firstValueAsLong("content-length").orElse(-1);
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (declared > policy.maxBytes()) {
            return new NoBody(new TooLarge(declared, true));
        }
        return new CappedBody(policy.maxBytes(), declared);
    }

    private FetchException failed(String subject, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof TooLarge tooLarge) {
                return new FetchException(URI_TOO_LARGE, tooLarge.declared
                        ? subject + " declares Content-Length " + tooLarge.bytes + " bytes, over the limit of "
                                + policy.maxBytes() + " bytes (" + UriPolicy.MAX_BYTES_KEY + "); not read"
                        : subject + " sent more than " + policy.maxBytes() + " bytes, the limit ("
                                + UriPolicy.MAX_BYTES_KEY + "); stopped reading");
            }
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return new FetchException(URI_UNREACHABLE, subject + ": no connection within "
                        + duration(policy.connectTimeout()) + " (" + UriPolicy.CONNECT_TIMEOUT_KEY + ")", t);
            }
            if (t instanceof HttpTimeoutException) {
                return totalTimeout(subject);
            }
            if (t instanceof ConnectException) {
                return new FetchException(URI_UNREACHABLE, subject + ": could not connect ("
                        + (t.getMessage() == null ? "connection refused" : t.getMessage()) + ")", t);
            }
            if (t instanceof SSLException) {
                return new FetchException(URI_UNREACHABLE, subject + ": TLS failed: " + t.getMessage(), t);
            }
        }
        return new FetchException(URI_UNREACHABLE, subject + ": " + cause, cause);
    }

    private FetchException totalTimeout(String subject) {
        return new FetchException(URI_UNREACHABLE, subject + ": not fetched within "
                + duration(policy.totalTimeout()) + " (" + UriPolicy.TOTAL_TIMEOUT_KEY + ")");
    }

    private long remaining(String subject, long deadline) throws FetchException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw totalTimeout(subject);
        }
        return left;
    }

    private URI redirectTarget(URI current, String subject, int status, String location) throws FetchException {
        try {
            URI base = current.getRawPath() == null || current.getRawPath().isEmpty()
                    ? new URI(current.getScheme() + "://" + current.getRawAuthority() + "/") : current;
            return base.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new FetchException(URI_UNREACHABLE, subject + " answered HTTP " + status
                    + " with a Location that is not a valid URI");
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static FetchException notAllowed(String message) {
        return new FetchException(Failure.URI_NOT_ALLOWED, message);
    }

    /** Lower case, without IPv6 brackets; a trailing dot stays, as HttpClient will resolve it so. */
    private static String hostOf(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            // Registry-based authority (e.g. 0x7f.1): what is left after userinfo and port.
            host = uri.getRawAuthority();
            host = host.substring(host.lastIndexOf('@') + 1);
            int colon = host.lastIndexOf(':');
            if (colon >= 0 && host.indexOf(']') < colon) {
                host = host.substring(0, colon);
            }
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host;
    }

    private static URI withoutFragment(URI uri) {
        String s = uri.toString();
        int hash = s.indexOf('#');
        return hash < 0 ? uri : URI.create(s.substring(0, hash));
    }

    /** The URI for messages: no userinfo, no query, no fragment. */
    static String shown(URI uri) {
        if (uri.getScheme() == null) {
            return shownRaw(uri.toString());
        }
        if (uri.isOpaque()) {
            return uri.getScheme() + ":...";
        }
        StringBuilder s = new StringBuilder(uri.getScheme()).append(':');
        String authority = uri.getRawAuthority();
        if (authority != null) {
            s.append("//").append(authority.substring(authority.lastIndexOf('@') + 1));
        }
        if (uri.getRawPath() != null) {
            s.append(uri.getRawPath());
        }
        return clip(s.toString());
    }

    /** Like {@link #shown(URI)} for text that may not even parse. */
    public static String shownRaw(String raw) {
        if (raw == null) {
            return "(no URI)";
        }
        String s = raw;
        int cut = indexOfAny(s, '?', '#');
        if (cut >= 0) {
            s = s.substring(0, cut);
        }
        int slashes = s.indexOf("//");
        if (slashes >= 0) {
            int end = s.indexOf('/', slashes + 2);
            if (end < 0) {
                end = s.length();
            }
            String authority = s.substring(slashes + 2, end);
            s = s.substring(0, slashes + 2) + authority.substring(authority.lastIndexOf('@') + 1) + s.substring(end);
        }
        return clip(s);
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    private static String clip(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().limit(MAX_SHOWN_URI).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return s.codePointCount(0, s.length()) > MAX_SHOWN_URI ? out + "..." : out.toString();
    }

    static String duration(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** A body that is over the limit, by its Content-Length or by what has arrived. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        final long bytes;
        final boolean declared;

        TooLarge(long bytes, boolean declared) {
            super((declared ? "declared " : "more than ") + bytes + " bytes");
            this.bytes = bytes;
            this.declared = declared;
        }
    }

    /** Cancels the body unread; completes with null, or fails with {@code failure}. */
    private static final class NoBody implements BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final IOException failure;

        NoBody(IOException failure) {
            this.failure = failure;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
            if (failure == null) {
                result.complete(null);
            } else {
                result.completeExceptionally(failure);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(null);
        }
    }

    /** Collects the body, and cancels it as soon as it passes {@code limit} bytes (chunked, or a lying length). */
    private static final class CappedBody implements BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final long limit;
        private final ByteArrayOutputStream bytes;
        private Flow.Subscription subscription;
        private long received;

        CappedBody(long limit, long declared) {
            this.limit = limit;
            this.bytes = new ByteArrayOutputStream((int) Math.min(declared > 0 ? declared : 8192, 1 << 20));
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                received += item.remaining();
                if (received > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge(limit, false));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
