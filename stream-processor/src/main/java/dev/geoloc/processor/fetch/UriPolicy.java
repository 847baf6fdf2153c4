package dev.geoloc.processor.fetch;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What {@link ImageFetcher} may fetch when an image event carries a URI instead of bytes. Fetching is off unless
 * {@code enabled}; the values are validated here, so a policy that exists is a consistent one.
 *
 * <p>Start from {@link #DISABLED} and change what differs, e.g.
 * {@code UriPolicy.DISABLED.withEnabled(true).withAllowedHosts("*.images.example.com")}.
 *
 * @param enabled         whether URIs are fetched at all ({@value #ENABLED_KEY}); default {@code false}
 * @param allowedSchemes  lower-case schemes that may be fetched, a non-empty subset of {@code http} and {@code https}
 *                        ({@value #ALLOWED_SCHEMES_KEY}); default {@code https}
 * @param allowedHosts    lower-case host names, exact or {@code *.example.com} (any subdomain, not the apex); empty
 *                        means any host whose addresses pass the address rules ({@value #ALLOWED_HOSTS_KEY})
 * @param allowedNetworks blocks that may be reached even though loopback, private, link-local or otherwise internal;
 *                        the only way to allow such addresses ({@value #ALLOWED_NETWORKS_KEY}); default none
 * @param maxBytes        largest body accepted, in bytes ({@value #MAX_BYTES_KEY}); default 10 MiB
 * @param connectTimeout  limit on opening one connection ({@value #CONNECT_TIMEOUT_KEY}); default 2 s, and never
 *                        more than what is left of {@code totalTimeout}
 * @param totalTimeout    limit on the whole fetch: resolving, every redirect and the body
 *                        ({@value #TOTAL_TIMEOUT_KEY}); default 5 s
 * @param maxRedirects    redirects followed before giving up, 0 to 20 ({@value #MAX_REDIRECTS_KEY}); default 3
 */
public record UriPolicy(
        boolean enabled,
        Set<String> allowedSchemes,
        Set<String> allowedHosts,
        List<Cidr> allowedNetworks,
        long maxBytes,
        Duration connectTimeout,
        Duration totalTimeout,
        int maxRedirects) {

    // The setting names, for messages that tell people what to change; the caller wires them to these fields.
    public static final String ENABLED_KEY = "geoloc.uri.enabled";
    public static final String ALLOWED_SCHEMES_KEY = "geoloc.uri.allowed-schemes";
    public static final String ALLOWED_HOSTS_KEY = "geoloc.uri.allowed-hosts";
    public static final String ALLOWED_NETWORKS_KEY = "geoloc.uri.allowed-networks";
    public static final String MAX_BYTES_KEY = "geoloc.uri.max-bytes";
    public static final String CONNECT_TIMEOUT_KEY = "geoloc.uri.connect-timeout";
    public static final String TOTAL_TIMEOUT_KEY = "geoloc.uri.total-timeout";
    public static final String MAX_REDIRECTS_KEY = "geoloc.uri.max-redirects";

    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_REDIRECTS = 3;
    /** A byte[] cannot hold more; a larger cap would only fail later. */
    public static final long MAX_MAX_BYTES = Integer.MAX_VALUE - 8;
    public static final int MAX_MAX_REDIRECTS = 20;

    /** The only schemes java.net.http speaks; file, jar, ftp, gopher, data and the rest are never fetched. */
    public static final Set<String> FETCHABLE_SCHEMES = Set.of("http", "https");

    /** Fetching off; everything else at its default. */
    public static final UriPolicy DISABLED = new UriPolicy(false, Set.of("https"), Set.of(), List.of(),
            DEFAULT_MAX_BYTES, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT, DEFAULT_MAX_REDIRECTS);

    private static final Pattern HOST_NAME = Pattern.compile(
            "(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    public UriPolicy {
        allowedSchemes = schemes(allowedSchemes);
        allowedHosts = hosts(allowedHosts);
        Objects.requireNonNull(allowedNetworks, ALLOWED_NETWORKS_KEY);
        allowedNetworks = List.copyOf(allowedNetworks);
        if (maxBytes <= 0 || maxBytes > MAX_MAX_BYTES) {
            throw new IllegalArgumentException(MAX_BYTES_KEY + " must be between 1 and " + MAX_MAX_BYTES
                    + " bytes, not " + maxBytes);
        }
        positive(connectTimeout, CONNECT_TIMEOUT_KEY);
        positive(totalTimeout, TOTAL_TIMEOUT_KEY);
        if (maxRedirects < 0 || maxRedirects > MAX_MAX_REDIRECTS) {
            throw new IllegalArgumentException(MAX_REDIRECTS_KEY + " must be between 0 and " + MAX_MAX_REDIRECTS
                    + ", not " + maxRedirects);
        }
    }

    public UriPolicy withEnabled(boolean value) {
        return new UriPolicy(value, allowedSchemes, allowedHosts, allowedNetworks, maxBytes, connectTimeout,
                totalTimeout, maxRedirects);
    }

    public UriPolicy withAllowedSchemes(String... schemes) {
        return withAllowedSchemes(List.of(schemes));
    }

    public UriPolicy withAllowedSchemes(Collection<String> schemes) {
        return new UriPolicy(enabled, Set.copyOf(schemes), allowedHosts, allowedNetworks, maxBytes, connectTimeout,
                totalTimeout, maxRedirects);
    }

    public UriPolicy withAllowedHosts(String... hosts) {
        return withAllowedHosts(List.of(hosts));
    }

    public UriPolicy withAllowedHosts(Collection<String> hosts) {
        return new UriPolicy(enabled, allowedSchemes, new TreeSet<>(hosts), allowedNetworks, maxBytes,
                connectTimeout, totalTimeout, maxRedirects);
    }

    /** Blocks in CIDR notation, e.g. {@code 10.20.0.0/16} or {@code fd00:1::/64}; see {@link Cidr#parse}. */
    public UriPolicy withAllowedNetworks(String... cidrs) {
        return withAllowedNetworks(List.of(cidrs));
    }

    public UriPolicy withAllowedNetworks(Collection<String> cidrs) {
        List<Cidr> parsed = new ArrayList<>();
        for (String cidr : cidrs) {
            parsed.add(Cidr.parse(cidr));
        }
        return new UriPolicy(enabled, allowedSchemes, allowedHosts, parsed, maxBytes, connectTimeout, totalTimeout,
                maxRedirects);
    }

    public UriPolicy withMaxBytes(long value) {
        return new UriPolicy(enabled, allowedSchemes, allowedHosts, allowedNetworks, value, connectTimeout,
                totalTimeout, maxRedirects);
    }

    public UriPolicy withConnectTimeout(Duration value) {
        return new UriPolicy(enabled, allowedSchemes, allowedHosts, allowedNetworks, maxBytes, value, totalTimeout,
                maxRedirects);
    }

    public UriPolicy withTotalTimeout(Duration value) {
        return new UriPolicy(enabled, allowedSchemes, allowedHosts, allowedNetworks, maxBytes, connectTimeout, value,
                maxRedirects);
    }

    public UriPolicy withMaxRedirects(int value) {
        return new UriPolicy(enabled, allowedSchemes, allowedHosts, allowedNetworks, maxBytes, connectTimeout,
                totalTimeout, value);
    }

    /** Whether {@code host} (lower case, no brackets, no trailing dot) passes {@link #allowedHosts}. */
    public boolean hostAllowed(String host) {
        if (allowedHosts.isEmpty()) {
            return true;
        }
        String h = host.toLowerCase(Locale.ROOT);
        for (String allowed : allowedHosts) {
            if (allowed.startsWith("*.")) {
                String suffix = allowed.substring(1);
                if (h.endsWith(suffix) && h.length() > suffix.length()) {
                    return true;
                }
            } else if (allowed.equals(h)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why a connection to {@code address} is refused, as a phrase such as "a loopback address", or empty when it
     * may be reached: a public address, or one inside {@link #allowedNetworks}. Checks only; never connects.
     */
    public Optional<String> whyRefused(InetAddress address) {
        Objects.requireNonNull(address, "address");
        InetAddress normalized = AddressRules.unmapped(address);
        for (Cidr network : allowedNetworks) {
            if (network.contains(normalized)) {
                return Optional.empty();
            }
        }
        return AddressRules.specialUse(address);
    }

    private static Set<String> schemes(Set<String> schemes) {
        Objects.requireNonNull(schemes, ALLOWED_SCHEMES_KEY);
        TreeSet<String> normalized = new TreeSet<>();
        for (String scheme : schemes) {
            String s = Objects.requireNonNull(scheme, ALLOWED_SCHEMES_KEY + " entry").trim().toLowerCase(Locale.ROOT);
            if (!FETCHABLE_SCHEMES.contains(s)) {
                throw new IllegalArgumentException(ALLOWED_SCHEMES_KEY + " lists '" + scheme
                        + "', which is never fetched; only http and https can be allowed");
            }
            normalized.add(s);
        }
        if (normalized.isEmpty()) {
            throw new IllegalArgumentException(ALLOWED_SCHEMES_KEY
                    + " is empty; list https and/or http (turn fetching off with " + ENABLED_KEY + "=false)");
        }
        return Set.copyOf(normalized);
    }

    private static Set<String> hosts(Set<String> hosts) {
        Objects.requireNonNull(hosts, ALLOWED_HOSTS_KEY);
        TreeSet<String> normalized = new TreeSet<>();
        for (String host : hosts) {
            String h = Objects.requireNonNull(host, ALLOWED_HOSTS_KEY + " entry").trim().toLowerCase(Locale.ROOT);
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            if (h.endsWith(".") && h.length() > 1) {
                h = h.substring(0, h.length() - 1);
            }
            boolean ipv6 = h.indexOf(':') >= 0 && h.matches("[0-9a-f:.]+");
            if (!ipv6 && (!HOST_NAME.matcher(h).matches() || h.equals("*.") || h.indexOf('*', 1) >= 0)) {
                throw new IllegalArgumentException(ALLOWED_HOSTS_KEY + " entry '" + host
                        + "' is not a host name, an IP address or a *.domain wildcard");
            }
            normalized.add(h);
        }
        return Set.copyOf(normalized);
    }

    private static void positive(Duration d, String key) {
        Objects.requireNonNull(d, key);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, not " + d);
        }
    }

    /**
     * An address block such as {@code 10.0.0.0/8} or {@code fc00::/7}.
     *
     * @param network      the block's first address, with all host bits zero
     * @param prefixLength how many leading bits are fixed: 0-32 for IPv4, 0-128 for IPv6
     */
    public record Cidr(InetAddress network, int prefixLength) {

        private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
                + "(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
        private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

        public Cidr {
            Objects.requireNonNull(network, "network");
            int bits = network.getAddress().length * 8;
            if (prefixLength < 0 || prefixLength > bits) {
                throw new IllegalArgumentException("prefix length of " + network.getHostAddress() + " must be 0-"
                        + bits + ", not " + prefixLength);
            }
            byte[] a = network.getAddress();
            for (int bit = prefixLength; bit < bits; bit++) {
                if ((a[bit / 8] & (0x80 >> (bit % 8))) != 0) {
                    throw new IllegalArgumentException(network.getHostAddress() + "/" + prefixLength
                            + " has host bits set; the block starts at "
                            + new Cidr(mask(network, prefixLength), prefixLength));
                }
            }
        }

        /**
         * Parses {@code address/prefix}, or a bare address meaning just that address. The address must be a
         * dotted-quad IPv4 or an IPv6 literal; host names are refused, so parsing never touches DNS.
         */
        public static Cidr parse(String text) {
            Objects.requireNonNull(text, ALLOWED_NETWORKS_KEY + " entry");
            String t = text.trim();
            int slash = t.indexOf('/');
            String addressPart = slash < 0 ? t : t.substring(0, slash);
            InetAddress address = literal(addressPart, text);
            int bits = address.getAddress().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                String p = t.substring(slash + 1);
                if (!p.matches("\\d{1,3}")) {
                    throw new IllegalArgumentException(ALLOWED_NETWORKS_KEY + " entry '" + text
                            + "' has no valid prefix length after '/'");
                }
                prefix = Integer.parseInt(p);
            }
            return new Cidr(address, prefix);
        }

        /** Whether {@code address} lies in this block; an IPv4-mapped IPv6 address counts as its IPv4 address. */
        public boolean contains(InetAddress address) {
            InetAddress a = AddressRules.unmapped(address);
            if (a.getClass() != network.getClass()) {
                return false;
            }
            return mask(a, prefixLength).equals(network);
        }

        @Override
        public String toString() {
            return network.getHostAddress() + "/" + prefixLength;
        }

        private static InetAddress literal(String s, String original) {
            boolean v4 = IPV4.matcher(s).matches();
            if (!v4 && !IPV6.matcher(s).matches()) {
                throw new IllegalArgumentException(ALLOWED_NETWORKS_KEY + " entry '" + original
                        + "' is not an IPv4 (a.b.c.d/n) or IPv6 (x::/n) block");
            }
            try {
                // Only literals reach here (checked above), which InetAddress parses without a lookup.
                // ::ffff:a.b.c.d comes back as IPv4, which is what contains() compares against.
                InetAddress a = InetAddress.getByName(s);
                return a instanceof Inet6Address i6 && i6.getScopeId() != 0
                        ? InetAddress.getByAddress(i6.getAddress()) : a;
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(ALLOWED_NETWORKS_KEY + " entry '" + original
                        + "' is not a valid IP address", e);
            }
        }

        private static InetAddress mask(InetAddress address, int prefixLength) {
            byte[] a = address.getAddress();
            for (int bit = prefixLength; bit < a.length * 8; bit++) {
                a[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
            }
            try {
                return InetAddress.getByAddress(a);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
